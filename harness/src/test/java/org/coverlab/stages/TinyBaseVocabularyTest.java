package org.coverlab.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.coverlab.cli.CliContext;
import org.coverlab.cli.CoverlabCommand;
import org.coverlab.cli.RemoteTrackers;
import org.coverlab.model.TinyPreset;
import org.junit.jupiter.api.Test;

/**
 * The help of {@code bench models --vocab} and {@code model init-tiny --vocab} explains why the preset's size
 * ({@value TinyPreset#VOCAB_SIZE}) is not what the embedded default learns from its corpus, quoting that number: it
 * must be the number the embedded default really learns (a new corpus or trainer setting changes it).
 */
class TinyBaseVocabularyTest {

    @Test
    void theHelpQuotesTheVocabularySizeTheEmbeddedDefaultReallyLearns() {
        int learnt = TinyBaseModel.vocabulary().vocabulary().size();
        assertTrue(learnt < TinyPreset.VOCAB_SIZE, "the preset's size is an upper bound, got " + learnt);
        String benchModels = help("bench", "models", "--help");
        assertTrue(benchModels.contains("embedded default learns " + learnt + " tokens"), benchModels);
        String initTiny = help("model", "init-tiny", "--help");
        assertTrue(initTiny.contains("embedded default's corpus gives " + learnt + ")"), initTiny);
    }

    private static String help(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
        CliContext ctx = new CliContext(stream, stream, Map.of(), Path.of("").toAbsolutePath(), false, Pipeline.standard(),
                RemoteTrackers.NONE, Clock.systemUTC(), false);
        assertEquals(0, CoverlabCommand.execute(ctx, args));
        // picocli wraps long descriptions: compare the text with its line breaks and indents folded
        return out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
    }
}
