package org.coverlab.run;

import org.coverlab.stages.Pipeline;
import org.coverlab.stages.test.TestStage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.coverlab.cli.CliContext;
import org.coverlab.cli.CoverlabCommand;
import org.coverlab.cli.RemoteTrackers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety end to end: a child JVM runs the test stage and is killed with SIGKILL at random moments (during JVM
 * start, mid-step, mid-checkpoint...), then resumed with --resume until it finishes. The journal must then hold every
 * step's metrics exactly once, with the values an uninterrupted run produces.
 */
class CrashResumeTest {

    private static final long STEPS = 60;
    private static final long STEP_MILLIS = 25;
    private static final long SEED = 7;

    @TempDir
    Path dir;

    private Path writeSpec() throws Exception {
        Path spec = dir.resolve("demo.yaml");
        Files.writeString(spec, """
                name: crash-demo
                seed: %d
                train:
                  checkpoint_every: 7
                  keep_last: 2
                sample:
                  every: never
                eval:
                  metrics: []
                """.formatted(SEED));
        return spec;
    }

    @Test
    void runKilledRepeatedlyAndResumedJournalsEveryStepExactlyOnce() throws Exception {
        Path spec = writeSpec();
        Path runs = dir.resolve("runs");
        Path log = dir.resolve("children.log");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String context = "random seed " + seed + "; child output in " + log;

        Process first = CoverlabProcess.start(dir, log, STEP_MILLIS, STEPS, "run", spec.toString(), "--stages", "test", "--runs-dir", runs.toString());
        String id = awaitRunId(runs, first);
        Thread.sleep(200 + random.nextInt(600));
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        int kills = 1;
        boolean tornInjected = false;
        while (kills < 5) {
            Process p = CoverlabProcess.start(dir, log, STEP_MILLIS, STEPS, "run", "--resume", id, "--runs-dir", runs.toString());
            // Mostly kill while the loop runs (mid-step, mid-checkpoint); sometimes while the JVM is still starting.
            boolean duringStartup = random.nextInt(4) == 0;
            if (!duringStartup && !awaitDriving(runs.resolve(id), p)) {
                break; // it finished before it could be killed
            }
            if (p.waitFor(random.nextInt(duringStartup ? 400 : 1200), TimeUnit.MILLISECONDS)) {
                break; // finished before we killed it
            }
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            kills++;
            if (!tornInjected) {
                // Also simulate a kill in the middle of writing a journal line.
                Files.writeString(runs.resolve(id).resolve("events.jsonl"), "{\"seq\":9999,\"step\":5,\"ev",
                        StandardOpenOption.APPEND);
                tornInjected = true;
            }
        }
        int exit = -1;
        for (int attempt = 0; attempt < 5 && exit != 0; attempt++) {
            Process p = CoverlabProcess.start(dir, log, STEP_MILLIS, STEPS, "run", "--resume", id, "--runs-dir", runs.toString());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), context);
            exit = p.exitValue();
        }
        assertEquals(0, exit, context + "\n" + Files.readString(log));

        RunDir run = new RunDir(id, runs.resolve(id));
        List<JournalRecord> journal = Journal.read(run.journal());
        Map<Long, List<RunEvent.Metrics>> byStep = new TreeMap<>();
        for (JournalRecord r : journal) {
            if (r.event() instanceof RunEvent.Metrics m) {
                byStep.computeIfAbsent(m.step(), s -> new ArrayList<>()).add(m);
                assertEquals(m.step(), r.step());
            }
        }
        assertEquals(STEPS, byStep.size(), context);
        double ema = 0;
        for (long step = 1; step <= STEPS; step++) {
            List<RunEvent.Metrics> at = byStep.get(step);
            assertNotNull(at, "no metrics for step " + step + "; " + context);
            assertEquals(1, at.size(), "step " + step + " journaled " + at.size() + " times; " + context);
            double loss = TestStage.lossAt(SEED, step);
            ema = TestStage.emaAfter(ema, loss, step);
            assertEquals(loss, at.get(0).values().get("loss"), "loss at step " + step);
            assertEquals(ema, at.get(0).values().get("loss_ema"), 1e-12, "loss_ema at step " + step + " (restored state); " + context);
        }
        for (int i = 0; i < journal.size(); i++) {
            assertEquals(i + 1, journal.get(i).seq());
        }
        assertInstanceOf(RunEvent.Finished.class, journal.get(journal.size() - 1).event());
        assertEquals("finished", ((RunEvent.Finished) journal.get(journal.size() - 1).event()).status());
        long resumes = journal.stream().filter(r -> r.event() instanceof RunEvent.Started s && s.resumed()).count();
        assertTrue(resumes >= 1, context);

        RunState state = run.readState();
        assertEquals(RunStatus.FINISHED, state.status());
        assertEquals(STEPS, state.step());
        assertEquals(List.of("test"), state.completedStages());
        List<Checkpoint> kept = new Checkpoints(run.checkpoints(), Clock.systemUTC()).list();
        assertEquals(List.of("56", "60"), kept.stream().map(Checkpoint::name).toList(), "keep_last 2");
        try (Stream<Path> leftovers = Files.list(run.checkpoints())) {
            assertFalse(leftovers.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-")));
        }
        assertTrue(Files.readString(run.log()).contains("resuming run " + id), context);
    }

    @Test
    void aSecondProcessIsRefusedWhileTheRunIsDrivenAndNamesTheHoldersPid() throws Exception {
        Path spec = writeSpec();
        Path runs = dir.resolve("runs");
        Path log = dir.resolve("child.log");
        Process child = CoverlabProcess.start(dir, log, 200, 1000, "run", spec.toString(), "--stages", "test", "--runs-dir", runs.toString());
        try {
            String id = awaitRunId(runs, child);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CliContext ctx = new CliContext(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                    Map.of(), dir, false, Pipeline.standard(), RemoteTrackers.NONE, Clock.systemUTC(), false);
            int code = CoverlabCommand.execute(ctx, "run", "--resume", id, "--runs-dir", runs.toString());
            String message = err.toString(StandardCharsets.UTF_8);
            assertEquals(3, code, message);
            assertTrue(message.contains("run " + id + " is locked by pid " + child.pid()), message);
            assertEquals(RunStatus.RUNNING, new RunDir(id, runs.resolve(id)).readState().status(), "the refused process changed nothing");
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the child records itself as the run's driver in state.json; false if it exited first. */
    private static boolean awaitDriving(Path runDir, Process child) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && child.isAlive()) {
            try {
                RunState s = new RunDir(runDir.getFileName().toString(), runDir).readState();
                if (s != null && s.pid() == child.pid() && s.status() == RunStatus.RUNNING) {
                    return true;
                }
            } catch (java.io.IOException e) {
                // state.json is replaced atomically, but may vanish for an instant on some file systems; retry
            }
            Thread.sleep(10);
        }
        return child.isAlive();
    }

    /** Waits until the child has created and locked its run folder, returning its id. */
    private static String awaitRunId(Path runs, Process child) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.isDirectory(runs)) {
                try (Stream<Path> dirs = Files.list(runs)) {
                    var found = dirs.filter(d -> Files.exists(d.resolve("state.json")) && Files.exists(d.resolve("events.jsonl"))).findFirst();
                    if (found.isPresent()) {
                        return found.get().getFileName().toString();
                    }
                }
            }
            assertTrue(child.isAlive(), "child exited early with " + (child.isAlive() ? "" : child.exitValue()));
            Thread.sleep(20);
        }
        throw new AssertionError("the child did not create its run within 30 s");
    }
}
