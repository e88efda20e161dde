package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalFileReader;
import org.coverlab.run.RunEvent;
import org.coverlab.spec.TrackingSpec.Resume;
import org.coverlab.track.Backoff;
import org.coverlab.track.JournalSender;
import org.coverlab.track.SenderOptions;
import org.coverlab.track.SenderReport;
import org.coverlab.track.SinkCursor;
import org.coverlab.track.SinkCursorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints go up beside the file stream: while a checkpoint's upload hangs (the fake server holds every artifact
 * upload until the test releases it), the history logged after the checkpoint still reaches W&B; the checkpoint's
 * own cursor stays before it, so keep_last cannot delete it; the run is marked complete only after the upload.
 */
class WandbCheckpointLaneTest {

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    FakeWandbServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
        server.held = r -> r.getUrl().encodedPath().startsWith("/upload-artifact/");
    }

    @AfterEach
    void stop() {
        server.release.countDown();
        server.shutdown();
    }

    @Test
    void historyAfterACheckpointArrivesWhileItsUploadHangs() throws Exception {
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.ALLOW, home));
        SenderOptions options = new SenderOptions(8, Duration.ofMillis(10), Backoff.WANDB.withBase(Duration.ofMillis(10)),
                Duration.ofSeconds(60));
        Files.createDirectories(runDir.resolve("checkpoints/10"));
        Files.writeString(runDir.resolve("checkpoints/10/unet.safetensors"), "weights at 10");
        SinkCursorStore cursors = new SinkCursorStore(runDir);

        SenderReport report;
        try (Journal journal = Journal.open(runDir.resolve("events.jsonl"))) {
            JournalSender sender = JournalSender.start("abcd1234", "lanes", runDir,
                    new JournalFileReader(runDir.resolve("events.jsonl")), List.of(sink), options);
            journal.append(new RunEvent.Started(T0, "abcd1234", "lanes", Map.of("train.lr", 1e-4), false));
            for (long step = 1; step <= 40; step++) {
                journal.append(new RunEvent.Metrics(T0 + step * 100, step, Map.of("loss", 1.0 / step)));
                if (step == 10) {
                    journal.append(new RunEvent.Artifact(T0 + step * 100 + 50, step, "checkpoint", "checkpoints/10"));
                }
            }
            sender.wake();
            long checkpointSeq = 12; // Started, steps 1..10, then the checkpoint

            // Every step reaches the server while the checkpoint's upload is still held.
            awaitHistory(40);
            awaitStreamCursor(cursors, 41);
            assertTrue(server.artifacts.values().stream().allMatch(a -> a.state.equals("PENDING")),
                    "the checkpoint's upload is still in flight");
            Optional<SinkCursor> checkpointsAt = cursors.readCheckpoints("wandb");
            assertTrue(checkpointsAt.isPresent() && checkpointsAt.get().seq() < checkpointSeq,
                    "the checkpoint lane has not acknowledged the checkpoint: " + checkpointsAt);

            // The run's end waits for the checkpoint: not complete while the upload hangs.
            journal.append(new RunEvent.Finished(T0 + 5000, "finished", 0));
            sender.wake();
            Thread.sleep(300);
            assertFalse(server.existing("lab/covers/abcd1234").complete, "complete only after its checkpoints");

            server.release.countDown();
            report = sender.finish();
        }
        assertTrue(report.allDelivered(), report.describe());
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertEquals(LongStream.rangeClosed(1, 40).boxed().toList(), run.historySteps(), "each step once, in order");
        assertTrue(run.complete);
        assertEquals(1, server.artifacts.size(), "the checkpoint is one artifact version");
        assertEquals("COMMITTED", server.artifacts.values().iterator().next().state);
        assertTrue(cursors.readCheckpoints("wandb").orElseThrow().seq() >= 42, "the checkpoint lane reached the end");
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }

    /** The stream lane writes its cursor just after the server answered: polled like the history. */
    private static void awaitStreamCursor(SinkCursorStore cursors, long seq) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (cursors.read("wandb").map(c -> c.seq() >= seq).orElse(false)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the stream lane did not acknowledge entry " + seq + ": " + cursors.read("wandb"));
    }

    /** Polls the fake server (no fixed wait): the history arrives while the upload is held, or the test fails at 30 s. */
    private void awaitHistory(long steps) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
            if (run != null && run.historySteps().size() >= steps) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the history did not reach " + steps + " steps while the checkpoint upload hung: "
                + server.existing("lab/covers/abcd1234"));
    }
}
