package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path dir;

    private static RunEvent.Metrics metrics(long step, double loss) {
        return new RunEvent.Metrics(1_700_000_000_000L + step, step, Map.of("loss", loss));
    }

    @Test
    void appendedEventsReadBackWithGapFreeSeqStepAndTime() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Journal j = Journal.open(file)) {
            j.append(new RunEvent.Started(1_700_000_000_000L, "abcd1234", "exp", Map.of("train.epochs", 2L), false));
            j.append(metrics(1, 0.5));
            j.append(metrics(2, 0.25));
            j.append(new RunEvent.Summary(1_700_000_000_100L, Map.of("fid", 12.5)));
            j.append(new RunEvent.Finished(1_700_000_000_200L, "finished", 0));
        }
        List<JournalRecord> records = Journal.read(file);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), records.stream().map(JournalRecord::seq).toList());
        assertEquals(List.of(0L, 1L, 2L, 2L, 2L), records.stream().map(JournalRecord::step).toList(),
                "step-less events are stamped with the last step seen");
        assertEquals("2023-11-14T22:13:20.001Z", records.get(1).time());
        assertEquals(metrics(2, 0.25), records.get(2).event());
        assertInstanceOf(RunEvent.Started.class, records.get(0).event());
        assertEquals(new RunEvent.Finished(1_700_000_000_200L, "finished", 0), records.get(4).event());
        String firstMetricsLine = Files.readAllLines(file).get(1);
        assertTrue(firstMetricsLine.contains("\"type\":\"metrics\""), firstMetricsLine);
    }

    @Test
    void reopeningContinuesTheSequence() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Journal j = Journal.open(file)) {
            j.append(metrics(1, 1.0));
        }
        try (Journal j = Journal.open(file)) {
            assertEquals(1, j.lastSeq());
            assertEquals(1, j.lastStep());
            assertEquals(2, j.append(metrics(2, 0.9)).seq());
        }
    }

    @Test
    void tornLastLineIsCutOnOpenAndAppendingResumesCleanly() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Journal j = Journal.open(file)) {
            j.append(metrics(1, 1.0));
            j.append(metrics(2, 0.9));
        }
        String torn = "{\"seq\":3,\"step\":3,\"time\":\"2023-11-14T22:13:20.003Z\",\"event\":{\"type\":\"metr";
        Files.writeString(file, torn, StandardOpenOption.APPEND);
        long before = Files.size(file);

        List<JournalRecord> readOnly = Journal.read(file);
        assertEquals(2, readOnly.size(), "readers skip a torn line without touching the file");
        assertEquals(before, Files.size(file));

        try (Journal j = Journal.open(file)) {
            assertEquals(torn.getBytes(StandardCharsets.UTF_8).length, j.cutBytesOnOpen());
            assertEquals(2, j.lastSeq());
            j.append(metrics(3, 0.8));
        }
        List<JournalRecord> records = Journal.read(file);
        assertEquals(List.of(1L, 2L, 3L), records.stream().map(JournalRecord::seq).toList());
        assertEquals(metrics(3, 0.8), records.get(2).event());
    }

    @Test
    void unparseableCompleteLastLineIsCutButDamageInTheMiddleIsReported() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Journal j = Journal.open(file)) {
            j.append(metrics(1, 1.0));
        }
        Files.writeString(file, "\u0000\u0000\u0000\n", StandardOpenOption.APPEND);
        try (Journal j = Journal.open(file)) {
            assertEquals(4, j.cutBytesOnOpen());
            j.append(metrics(2, 0.9));
        }
        List<String> lines = Files.readAllLines(file);
        Files.write(file, List.of(lines.get(0), "not json", lines.get(1)));
        Journal.CorruptJournalException e = assertThrows(Journal.CorruptJournalException.class, () -> Journal.open(file));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aGapInSequenceNumbersIsReported() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Journal j = Journal.open(file)) {
            j.append(metrics(1, 1.0));
            j.append(metrics(2, 0.9));
            j.append(metrics(3, 0.8));
        }
        List<String> lines = Files.readAllLines(file);
        Files.write(file, List.of(lines.get(0), lines.get(2)));
        Journal.CorruptJournalException e = assertThrows(Journal.CorruptJournalException.class, () -> Journal.read(file));
        assertTrue(e.getMessage().contains("seq 3 but 2 was expected"), e.getMessage());
    }

    @Test
    void truncateAfterDropsLaterRecordsAndReusesTheirSequenceNumbers() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Journal j = Journal.open(file)) {
            for (int step = 1; step <= 5; step++) {
                j.append(metrics(step, 1.0 / step));
            }
            assertEquals(3, j.truncateAfter(2));
            assertEquals(2, j.lastStep());
            assertEquals(3, j.append(metrics(3, 0.3)).seq());
        }
        List<JournalRecord> records = Journal.read(file);
        assertEquals(3, records.size());
        assertEquals(metrics(3, 0.3), records.get(2).event());
    }

    @Test
    void nonFiniteMetricsStayValidJsonAndRoundTrip() throws Exception {
        Path file = dir.resolve("events.jsonl");
        try (Journal j = Journal.open(file)) {
            j.append(new RunEvent.Metrics(1L, 1, Map.of("loss", Double.NaN)));
            j.append(new RunEvent.Metrics(2L, 2, Map.of("loss", Double.POSITIVE_INFINITY)));
        }
        assertTrue(Files.readString(file).contains("\"loss\":\"NaN\""));
        List<JournalRecord> records = Journal.read(file);
        assertTrue(Double.isNaN(((RunEvent.Metrics) records.get(0).event()).values().get("loss")));
        assertEquals(Double.POSITIVE_INFINITY, ((RunEvent.Metrics) records.get(1).event()).values().get("loss"));
    }
}
