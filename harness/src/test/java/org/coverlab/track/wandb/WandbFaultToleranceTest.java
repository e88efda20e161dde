package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.coverlab.run.Journal;
import org.coverlab.spec.TrackingSpec.Resume;
import org.coverlab.track.Backoff;
import org.coverlab.run.JournalFileReader;
import org.coverlab.track.JournalSender;
import org.coverlab.run.RunEvent;
import org.coverlab.track.SenderOptions;
import org.coverlab.track.SenderReport;
import org.coverlab.track.wandb.FakeWandbServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run logs while W&B misbehaves: 500s, 429s with Retry-After, connections dropped before and after the server
 * took the request, and an outage longer than the HTTP retries. Afterwards the server's history holds every step
 * exactly once, in order, and the run is complete.
 */
class WandbFaultToleranceTest {

    static final int STEPS = 240;

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    FakeWandbServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
        server.retryAfter = "1";
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    @Test
    void everyStepArrivesExactlyOnceThroughOutages() throws Exception {
        AtomicInteger streamCalls = new AtomicInteger();
        AtomicInteger graphqlCalls = new AtomicInteger();
        server.faults = request -> {
            String path = request.getUrl().encodedPath();
            // The stream's GraphQL calls, counted apart from the checkpoint lane's (which run concurrently), so the
            // plan hits the same calls on every run.
            if (path.equals("/graphql") && !request.getBody().utf8().contains("Artifact")) {
                int n = graphqlCalls.incrementAndGet();
                return n == 2 ? Fault.HTTP_500 : n == 5 ? Fault.DROP_AFTER : Fault.NONE;
            }
            if (!path.endsWith("/file_stream")) {
                return Fault.NONE;
            }
            int n = streamCalls.incrementAndGet();
            if (n >= 3 && n <= 5) {
                return Fault.HTTP_500;
            }
            if (n == 8) {
                return Fault.HTTP_429;
            }
            if (n >= 11 && n <= 12) {
                return Fault.DROP_BEFORE;
            }
            if (n >= 15 && n <= 17) {
                return Fault.DROP_AFTER; // the server wrote the lines, the client never heard back
            }
            if (n >= 20 && n <= 34) {
                return Fault.HTTP_500; // longer than the HTTP retries: the sender's backoff takes over
            }
            return Fault.NONE;
        };
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.ALLOW, home));
        SenderOptions options = new SenderOptions(8, Duration.ofMillis(10), Backoff.WANDB.withBase(Duration.ofMillis(10)),
                Duration.ofSeconds(60));
        WandbTestSupport.png(runDir.resolve("samples/grid.png"), 8, 8);
        java.nio.file.Files.createDirectories(runDir.resolve("checkpoints/step-120"));
        java.nio.file.Files.writeString(runDir.resolve("checkpoints/step-120/unet.safetensors"), "weights at 120");

        SenderReport report;
        try (Journal journal = Journal.open(runDir.resolve("events.jsonl"))) {
            JournalSender sender = JournalSender.start("abcd1234", "faults", runDir,
                    new JournalFileReader(runDir.resolve("events.jsonl")), List.of(sink), options);
            journal.append(new RunEvent.Started(T0, "abcd1234", "faults", Map.of("train.lr", 1e-4), false));
            for (long step = 1; step <= STEPS; step++) {
                journal.append(new RunEvent.Metrics(T0 + step * 100, step, Map.of("loss", 1.0 / step, "lr", 1e-4)));
                if (step % 60 == 0) {
                    journal.append(new RunEvent.Image(T0 + step * 100 + 50, step, "grid", "samples/grid.png", "step " + step));
                }
                if (step == 120) {
                    journal.append(new RunEvent.Artifact(T0 + step * 100 + 60, step, "checkpoint", "checkpoints/step-120"));
                }
                if (step % 8 == 0) {
                    sender.wake();
                    Thread.sleep(3);
                }
            }
            journal.append(new RunEvent.Summary(T0 + STEPS * 100 + 1, Map.of("fid", 88.5)));
            journal.append(new RunEvent.Finished(T0 + STEPS * 100 + 2, "finished", 0));
            report = sender.finish();
        }

        assertTrue(report.allDelivered(), report.describe());
        assertTrue(streamCalls.get() > 34, "the fault plan was played through: " + streamCalls.get() + " stream calls");
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertEquals(LongStream.rangeClosed(1, STEPS).boxed().toList(), run.historySteps(), "each step once, in order");
        for (long step = 60; step <= STEPS; step += 60) {
            String row = run.history.get((int) step - 1);
            assertTrue(row.contains("\"image-file\""), "step " + step + " has its grid: " + row);
        }
        assertEquals(88.5, run.summaryNode().path("fid").asDouble());
        assertEquals(STEPS, run.summaryNode().path("_step").asLong());
        assertTrue(run.complete);
        assertEquals(0, run.exitCode);
        assertEquals(STEPS / 60, run.files.keySet().stream().filter(f -> f.startsWith("media/")).count(),
                "one media file per logged grid");
        assertEquals(run.files.keySet(), run.uploaded, "each uploaded file is listed in 'uploaded'");
        assertEquals(1, server.artifacts.size(), "the checkpoint is one artifact version");
        assertEquals("COMMITTED", server.artifacts.values().iterator().next().state);
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }
}
