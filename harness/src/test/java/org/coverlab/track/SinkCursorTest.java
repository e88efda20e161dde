package org.coverlab.track;

import org.coverlab.run.JournalEntry;
import org.coverlab.run.RunEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkCursorTest {

    @TempDir
    Path runDir;

    static JournalEntry metrics(long seq, long step) {
        return new JournalEntry(seq, new RunEvent.Metrics(1000 + seq, step, Map.of("loss", 1.0)));
    }

    static JournalEntry image(long seq, long step) {
        return new JournalEntry(seq, new RunEvent.Image(1000 + seq, step, "grid", "g.png", ""));
    }

    @Test
    void advanceKeepsTheLastSeqTheHighestMetricsStepAndAFingerprint() {
        SinkCursor cursor = SinkCursor.START.advance(List.of(metrics(1, 10), metrics(2, 11), image(3, 11)));
        assertEquals(3, cursor.seq());
        assertEquals(11, cursor.step());
        assertEquals("image@1003", cursor.fingerprint());
        assertTrue(cursor.matches(image(3, 11)));
        assertFalse(cursor.matches(metrics(3, 11)));
    }

    @Test
    void metricsAtOrBelowTheSentStepAreNotSentAgainButMediaAtThatStepAre() {
        SinkCursor cursor = new SinkCursor(0, 20, "");
        List<JournalEntry> unsent = cursor.unsent(List.of(metrics(1, 19), metrics(2, 20), image(3, 19), image(4, 20),
                metrics(5, 21), new JournalEntry(6, new RunEvent.Summary(1006, Map.of("fid", 1.0)))));
        assertEquals(List.of(4L, 5L, 6L), unsent.stream().map(JournalEntry::seq).toList());
    }

    @Test
    void storeWritesAtomicallyAndReadsBack() throws IOException {
        SinkCursorStore store = new SinkCursorStore(runDir);
        assertTrue(store.read("wandb").isEmpty());
        store.write("wandb", new SinkCursor(12, 40, "metrics@5"));
        store.write("wandb", new SinkCursor(13, 41, "metrics@6"));
        assertEquals(new SinkCursor(13, 41, "metrics@6"), store.read("wandb").orElseThrow());
        try (var files = Files.list(runDir.resolve("sinks"))) {
            assertEquals(List.of("wandb.json"), files.map(p -> p.getFileName().toString()).toList(), "no temp file left");
        }
    }

    @Test
    void aDamagedCursorFileIsNamedInTheError() throws IOException {
        SinkCursorStore store = new SinkCursorStore(runDir);
        Files.createDirectories(runDir.resolve("sinks"));
        Files.writeString(store.fileFor("mlflow"), "{\"seq\": ");
        IOException e = assertThrows(IOException.class, () -> store.read("mlflow"));
        assertTrue(e.getMessage().contains("mlflow.json"), e.getMessage());
        assertTrue(e.getMessage().contains("delete it"), e.getMessage());
    }
}
