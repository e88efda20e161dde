package org.coverlab.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Checkpoints;
import org.coverlab.run.Journal;
import org.coverlab.run.LocalTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train.keep_last never deletes a checkpoint a remote tracker has not acknowledged yet. */
class SinkRetentionTest {

    @TempDir
    Path run;

    @Test
    void aCheckpointBeyondKeepLastStaysUntilEveryTrackerHasItThenGoes() throws Exception {
        Checkpoints checkpoints = new Checkpoints(run.resolve("checkpoints"), Clock.systemUTC(),
                new SinkRetention(run, List.of("wandb", "mlflow")));
        SinkCursorStore cursors = new SinkCursorStore(run);
        try (Journal journal = Journal.open(run.resolve("events.jsonl"))) {
            LocalTracker tracker = new LocalTracker(journal);
            Checkpoint first = checkpoints.save("train", "10", 0, 10, Map.of(), d -> Files.writeString(d.resolve("w"), "10"), tracker, 1);
            checkpoints.save("train", "20", 0, 20, Map.of(), d -> Files.writeString(d.resolve("w"), "20"), tracker, 1);
            assertEquals(List.of("10", "20"), names(checkpoints), "no tracker has sent checkpoint 10: it stays");

            cursors.write("wandb", new SinkCursor(first.journalSeq(), 10, ""));
            cursors.write("mlflow", new SinkCursor(first.journalSeq() - 1, 9, ""));
            checkpoints.pruneReleased(1);
            assertEquals(List.of("10", "20"), names(checkpoints), "MLflow is still before checkpoint 10");

            cursors.write("mlflow", new SinkCursor(first.journalSeq(), 10, ""));
            checkpoints.save("train", "30", 0, 30, Map.of(), d -> Files.writeString(d.resolve("w"), "30"), tracker, 1);
            assertEquals(List.of("20", "30"), names(checkpoints), "both have 10: it goes at the next save; 20 waits");
            checkpoints.pruneReleased(1);
            assertEquals(List.of("20", "30"), names(checkpoints));
        }
    }

    private static List<String> names(Checkpoints checkpoints) throws Exception {
        return checkpoints.list().stream().map(Checkpoint::name).toList();
    }
}
