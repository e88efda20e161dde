package org.coverlab.cli;

import static org.coverlab.cli.InProcessCli.coverlab;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coverlab run --stages prepare_data} on the Goodreads miniature, as a user sees it: each skipped row is named
 * once on the console (it used to be printed twice), and two runs over the same data write byte-identical
 * {@code data/dataset.json} (the skipped-count map used to change order between runs).
 */
class GoodreadsPrepareTest {

    @TempDir
    Path cwd;

    @Test
    void eachSkipIsPrintedOnceAndTwoRunsWriteByteIdenticalDatasetJson() throws Exception {
        Path mini = Path.of("src/test/resources/goodreads-mini").toAbsolutePath();
        Files.writeString(cwd.resolve("spec.yaml"), """
                name: mini
                dataset:
                  source: goodreads
                  path: %s
                train:
                  epochs: 1
                  components: [unet]
                sample:
                  every: never
                eval:
                  metrics: []
                """.formatted(mini));
        // The process's own streams too: a library logging through SLF4J would print there, beside the run log.
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        InProcessCli.Result first;
        try (PrintStream capture = new PrintStream(logged, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            first = coverlab(cwd, "run", "spec.yaml", "--stages", "prepare_data");
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        assertEquals(0, first.code(), first.all());
        String console = first.out() + first.err() + logged.toString(StandardCharsets.UTF_8);
        List<String> skipped = console.lines().filter(l -> l.contains("skipped: ")).toList();
        // rows 3 (not English), 4 and 5 (missing field), 6 (image missing), 10 (malformed): see goodreads-mini/README.md
        assertEquals(5, skipped.size(), console);
        for (String line : skipped) {
            String message = line.substring(line.indexOf("skipped: "));
            assertEquals(1, console.lines().filter(l -> l.contains(message)).count(), message + " printed more than once:\n" + console);
        }
        assertTrue(skipped.stream().anyMatch(l -> l.contains("book_data.csv") && l.contains("not English")), console);

        InProcessCli.Result second = coverlab(cwd, "run", "spec.yaml", "--stages", "prepare_data");
        assertEquals(0, second.code(), second.all());
        List<Path> datasetJson;
        try (Stream<Path> runs = Files.list(cwd.resolve("runs"))) {
            datasetJson = runs.map(run -> run.resolve("data/dataset.json")).filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(2, datasetJson.size(), datasetJson.toString());
        assertTrue(Files.readString(datasetJson.get(0)).contains("\"skipped\""), Files.readString(datasetJson.get(0)));
        assertArrayEquals(Files.readAllBytes(datasetJson.get(0)), Files.readAllBytes(datasetJson.get(1)),
                "the same data gives the same data/dataset.json, byte for byte");
    }
}
