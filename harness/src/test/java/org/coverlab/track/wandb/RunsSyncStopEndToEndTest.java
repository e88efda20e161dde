package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.coverlab.run.ActiveRun;
import org.coverlab.run.CoverlabProcess;
import org.coverlab.run.Journal;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunId;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunStore;
import org.coverlab.track.SinkCursorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code coverlab runs sync}, in a child JVM, while the W&B server sits on an upload: the sync ends
 * within about two seconds with exit 130 and no stack trace, the batch acknowledged before the stop stays
 * acknowledged, and a second sync sends the rest so that every step is on the server exactly once, including the
 * steps of the request the server applied after the client had gone.
 */
class RunsSyncStopEndToEndTest {

    /** Three full sender batches (500 entries) and a short fourth: the stop lands in the second. */
    private static final int STEPS = 1_500;

    @TempDir
    Path dir;

    FakeWandbServer server;
    String runId;

    @BeforeEach
    void createRunAndServer() throws Exception {
        server = new FakeWandbServer(KEY);
        RunStore store = new RunStore(dir.resolve("runs"), new RunId(new SecureRandom()), Clock.systemUTC());
        String spec = "name: sync-stop\ntracking:\n  backends: [local, wandb]\n  project: covers\n  entity: lab\n";
        ActiveRun run = store.create(spec, new RunInfo(null, "sync-stop", null, "spec.yaml", "", List.of(),
                List.of("local", "wandb"), List.of(), "test"));
        runId = run.dir().id();
        try (Journal journal = Journal.open(run.dir().journal())) {
            journal.append(new RunEvent.Started(1_000, runId, "sync-stop", Map.of(), false));
            for (long step = 1; step <= STEPS; step++) {
                journal.append(new RunEvent.Metrics(1_000 + step, step, Map.of("loss", 1.0 / step)));
            }
            journal.append(new RunEvent.Finished(10_000, "finished", 0));
        }
        run.lock().close();
    }

    @AfterEach
    void stopServer() {
        server.release.countDown();
        server.shutdown();
    }

    @Test
    void ctrlCDuringASlowUploadEndsTheSyncWithin2SecondsAndTheNextSyncSendsEveryStepExactlyOnce() throws Exception {
        AtomicInteger streams = new AtomicInteger();
        server.held = request -> request.getUrl().encodedPath().endsWith("/file_stream") && streams.incrementAndGet() == 2;

        Process first = sync();
        long waitUntil = System.currentTimeMillis() + 120_000;
        while (streams.get() < 2) { // the second batch is on its way and the server does not answer
            assertTrue(first.isAlive() && System.currentTimeMillis() < waitUntil, "no second upload: " + output());
            Thread.sleep(20);
        }
        long stopAt = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).inheritIO().start().waitFor();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the sync did not end after Ctrl-C: " + output());
        long tookMillis = (System.nanoTime() - stopAt) / 1_000_000;
        assertEquals(130, first.exitValue(), output());
        assertTrue(tookMillis < 2_000, "Ctrl-C ended the sync in " + tookMillis + " ms; at most about 2 s: " + output());
        String stopped = output();
        assertTrue(stopped.contains("interrupted by SIGINT (Ctrl-C)"), stopped);
        assertTrue(stopped.contains("journal entries not sent, interrupted by SIGINT (Ctrl-C); send them later with: "
                + "coverlab runs sync " + runId + " --tracker wandb"), stopped);
        assertFalse(stopped.contains("Exception") || stopped.contains("\tat "), "no stack trace on a stop:\n" + stopped);
        assertEquals(1, stopped.lines().filter(l -> l.contains("journal entries not sent")).count(), "said once:\n" + stopped);
        assertEquals(500, new SinkCursorStore(dir.resolve("runs").resolve(runId)).read("wandb").orElseThrow().seq(),
                "the first batch stays acknowledged");

        // The server now answers the request the client gave up on: it applies it, as a real one may have.
        server.release.countDown();
        while (server.answered.get() < server.requests.size()) {
            Thread.sleep(10);
        }
        FakeWandbServer.Run remote = server.existing("lab/covers/" + runId);
        assertEquals(999, remote.historySteps().size(), "the held second batch was applied after the client left");

        Process second = sync();
        assertTrue(second.waitFor(120, TimeUnit.SECONDS), output());
        assertEquals(0, second.exitValue(), output());
        assertEquals(LongStream.rangeClosed(1, STEPS).boxed().toList(), remote.historySteps(),
                "every step exactly once");
        assertTrue(remote.complete);
        assertEquals(0, remote.exitCode);
        assertTrue(server.violations.isEmpty(), server.violations.toString());
        assertFalse(output().contains(KEY), "the key is not printed");
        assertFalse(output().contains("\033"), "output that is no terminal has no escape codes");
    }

    private Process sync() throws Exception {
        return CoverlabProcess.start(dir, dir.resolve("output.txt"), "org.coverlab.cli.Main", List.of(),
                Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", server.baseUrl(), "HOME", dir.toString()),
                "runs", "sync", runId, "--runs-dir", dir.resolve("runs").toString());
    }

    private String output() throws Exception {
        Path out = dir.resolve("output.txt");
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }
}
