package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void checkpointRecordsTheJournalSeqOfItsAnnouncementAndMovesLatest() throws Exception {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints"), Clock.systemUTC());
        try (Journal journal = Journal.open(dir.resolve("events.jsonl"))) {
            LocalTracker tracker = new LocalTracker(journal);
            tracker.log(new RunEvent.Metrics(1L, 10, Map.of("loss", 1.0)));
            Checkpoint c = checkpoints.save("train", "10", 0, 10, Map.of("rng", 99L),
                    d -> Files.writeString(d.resolve("weights.bin"), "w10"), tracker, 3);
            assertEquals(2, c.journalSeq(), "the checkpoint's artifact event is the record it resumes after");
            RunEvent last = Journal.read(dir.resolve("events.jsonl")).get(1).event();
            assertEquals(new RunEvent.Artifact(((RunEvent.Artifact) last).timeMillis(), 10, "checkpoint", "checkpoints/10"), last);

            Checkpoint latest = checkpoints.latest().orElseThrow();
            assertEquals("10", latest.name());
            assertEquals(99L, latest.longState("rng"));
            assertEquals("w10", Files.readString(latest.dir().resolve("weights.bin")));
        }
    }

    @Test
    void aSaveThatDiesBeforeCommitLeavesLatestOnTheLastCompleteCheckpoint() throws Exception {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints"), Clock.systemUTC());
        try (Journal journal = Journal.open(dir.resolve("events.jsonl"))) {
            LocalTracker tracker = new LocalTracker(journal);
            checkpoints.save("train", "10", 0, 10, Map.of(), d -> Files.writeString(d.resolve("w"), "10"), tracker, 3);
            assertThrows(IOException.class, () -> checkpoints.save("train", "20", 0, 20, Map.of(), d -> {
                Files.writeString(d.resolve("w"), "half");
                throw new IOException("disk full");
            }, tracker, 3));
            assertEquals("10", checkpoints.latest().orElseThrow().name());
            assertFalse(Files.exists(dir.resolve("checkpoints/20")));
            assertEquals(List.of("10"), checkpoints.list().stream().map(Checkpoint::name).toList());

            // The next successful save clears the leftover temp folder.
            checkpoints.save("train", "20", 0, 20, Map.of(), d -> Files.writeString(d.resolve("w"), "20"), tracker, 3);
            try (var files = Files.list(dir.resolve("checkpoints"))) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
            }
        }
    }

    @Test
    void keepLastPrunesOnlyOlderCheckpointsOfTheSameStage() throws Exception {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints"), Clock.systemUTC());
        try (Journal journal = Journal.open(dir.resolve("events.jsonl"))) {
            LocalTracker tracker = new LocalTracker(journal);
            checkpoints.save("prepare_data", "prepare_data-0", 0, 0, Map.of(), d -> {}, tracker, 2);
            for (int step = 10; step <= 50; step += 10) {
                checkpoints.save("train", Integer.toString(step), 0, step, Map.of(), d -> {}, tracker, 2);
            }
            assertEquals(List.of("prepare_data-0", "40", "50"), checkpoints.list().stream().map(Checkpoint::name).toList());
            assertEquals("50", checkpoints.latest().orElseThrow().name());
        }
    }

    @Test
    void aLatestPointerToAMissingCheckpointIsAnError() throws Exception {
        Path root = Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(root.resolve("latest"), "30\n");
        IOException e = assertThrows(IOException.class, () -> new Checkpoints(root, Clock.systemUTC()).latest());
        assertTrue(e.getMessage().contains("names checkpoint '30'"), e.getMessage());
    }
}
