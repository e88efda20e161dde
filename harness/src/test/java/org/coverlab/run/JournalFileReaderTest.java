package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the run store's journal while it is written, cut back and re-appended. */
class JournalFileReaderTest {

    @TempDir
    Path dir;

    static RunEvent.Metrics metrics(long step) {
        return new RunEvent.Metrics(1_000 + step, step, Map.of("loss", 0.5));
    }

    static List<Long> seqs(List<JournalEntry> entries) {
        return entries.stream().map(JournalEntry::seq).toList();
    }

    @Test
    void readsIncrementallyInBatches() throws IOException {
        Path file = dir.resolve("events.jsonl");
        JournalFileReader reader = new JournalFileReader(file);
        assertTrue(reader.readAfter(0, 10).isEmpty(), "a missing journal reads as empty");
        try (Journal journal = Journal.open(file)) {
            for (long step = 1; step <= 7; step++) {
                journal.append(metrics(step));
            }
            assertEquals(List.of(1L, 2L, 3L), seqs(reader.readAfter(0, 3)));
            assertEquals(List.of(4L, 5L, 6L), seqs(reader.readAfter(3, 3)));
            assertEquals(List.of(7L), seqs(reader.readAfter(6, 3)));
            journal.append(metrics(8));
            assertEquals(List.of(8L), seqs(reader.readAfter(7, 3)));
            assertEquals(List.of(3L, 4L), seqs(reader.readAfter(2, 2)), "going back re-reads from the start");
            assertEquals(8, reader.lastSeq());
            RunEvent.Metrics first = (RunEvent.Metrics) reader.readAfter(0, 1).get(0).event();
            assertEquals(metrics(1), first);
        }
    }

    @Test
    void aLineStillBeingWrittenIsLeftForLater() throws IOException {
        Path file = dir.resolve("events.jsonl");
        try (Journal journal = Journal.open(file)) {
            journal.append(metrics(1));
        }
        Files.writeString(file, "{\"seq\":2,\"step\":2,", StandardOpenOption.APPEND);
        JournalFileReader reader = new JournalFileReader(file);
        assertEquals(List.of(1L), seqs(reader.readAfter(0, 10)));
        assertEquals(1, reader.lastSeq());
    }

    @Test
    void aCutBackJournalIsReadAgainFromTheStart() throws IOException {
        Path file = dir.resolve("events.jsonl");
        JournalFileReader reader = new JournalFileReader(file);
        try (Journal journal = Journal.open(file)) {
            for (long step = 1; step <= 5; step++) {
                journal.append(metrics(step));
            }
            assertEquals(5, reader.readAfter(0, 10).size());
            journal.truncateAfter(3);
            journal.append(new RunEvent.Metrics(9_000, 4, Map.of("loss", 0.1)));
            journal.append(new RunEvent.Metrics(9_001, 5, Map.of("loss", 0.1)));
            journal.append(new RunEvent.Metrics(9_002, 6, Map.of("loss", 0.1)));
        }
        List<JournalEntry> after = reader.readAfter(5, 10);
        assertEquals(List.of(6L), seqs(after), "the remembered line 5 changed, so the file was re-read");
        assertEquals(9_001, reader.readAfter(4, 1).get(0).event().timeMillis());
    }

    @Test
    void aDamagedLineIsReportedWithTheFileAndOffset() throws IOException {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, "not json\n");
        IOException e = assertThrows(IOException.class, () -> new JournalFileReader(file).readAfter(0, 10));
        assertTrue(e.getMessage().contains("events.jsonl at byte 0"), e.getMessage());
    }
}
