package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.coverlab.stages.test.TestStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGUSR1, which Slurm sends before a job's time limit ({@code --signal=B:USR1@120}), in a child JVM: the run saves a
 * checkpoint at the step it reached, records the stop (status killed, a Finished event with exit 138) and exits 138;
 * the resume continues from that very step, so no step is redone and every step is journaled exactly once.
 */
class PreemptSignalTest {

    private static final long STEPS = 40;
    private static final long SEED = 11;

    @TempDir
    Path dir;

    @Test
    void sigusr1SavesACheckpointAtTheCurrentStepRecordsTheStopAndTheResumeRedoesNothing() throws Exception {
        Path spec = dir.resolve("demo.yaml");
        // No periodic checkpoint before the end: the only one a stop can resume from is the one SIGUSR1 makes.
        Files.writeString(spec, """
                name: preempt-demo
                seed: %d
                train:
                  checkpoint_every: 1000
                sample:
                  every: never
                eval:
                  metrics: []
                """.formatted(SEED));
        Path runs = dir.resolve("runs");
        Path log = dir.resolve("children.log");

        Process first = CoverlabProcess.start(dir, log, 50, STEPS, "run", spec.toString(), "--stages", "test",
                "--runs-dir", runs.toString());
        RunDir run = awaitSteps(runs, first, 5);
        new ProcessBuilder("kill", "-USR1", Long.toString(first.pid())).inheritIO().start().waitFor();
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the child stopped");
        assertEquals(138, first.exitValue(), Files.readString(log));

        RunState stopped = run.readState();
        assertEquals(RunStatus.KILLED, stopped.status());
        assertTrue(stopped.error().contains("SIGUSR1"), stopped.error());
        List<JournalRecord> journal = Journal.read(run.journal());
        long lastStep = metrics(journal).stream().mapToLong(RunEvent.Metrics::step).max().orElseThrow();
        assertTrue(lastStep >= 5 && lastStep < STEPS, "stopped mid-loop at step " + lastStep);
        List<Checkpoint> kept = new Checkpoints(run.checkpoints(), Clock.systemUTC()).list();
        assertEquals(List.of(Long.toString(lastStep)), kept.stream().map(Checkpoint::name).toList(),
                "one checkpoint, at the last journaled step");
        RunEvent last = journal.get(journal.size() - 1).event();
        assertEquals(new RunEvent.Finished(((RunEvent.Finished) last).timeMillis(), "killed", 138), last);
        assertTrue(Files.readString(log).contains("stopped by SIGUSR1 (the scheduler's time limit is near); saving a checkpoint"),
                Files.readString(log));

        Process resumed = CoverlabProcess.start(dir, log, 1, STEPS, "run", "--resume", run.id(), "--runs-dir", runs.toString());
        assertTrue(resumed.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, resumed.exitValue(), Files.readString(log));
        List<JournalRecord> after = Journal.read(run.journal());
        List<RunEvent.Metrics> steps = metrics(after);
        assertEquals(metrics(journal), steps.subList(0, (int) lastStep), "the resume kept every step: none is redone");
        assertEquals(STEPS, steps.size(), "every step journaled exactly once");
        double ema = 0;
        for (int i = 0; i < STEPS; i++) {
            long step = i + 1;
            assertEquals(step, steps.get(i).step());
            ema = TestStage.emaAfter(ema, TestStage.lossAt(SEED, step), step);
            assertEquals(ema, steps.get(i).values().get("loss_ema"), 1e-12, "state restored from the SIGUSR1 checkpoint");
        }
        assertEquals(RunStatus.FINISHED, run.readState().status());
    }

    private static List<RunEvent.Metrics> metrics(List<JournalRecord> journal) {
        return journal.stream().map(JournalRecord::event).filter(RunEvent.Metrics.class::isInstance)
                .map(RunEvent.Metrics.class::cast).toList();
    }

    /** Waits until the child's run has journaled {@code steps} steps; returns the run. */
    private static RunDir awaitSteps(Path runs, Process child, int steps) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            assertTrue(child.isAlive(), "the child exited early");
            if (Files.isDirectory(runs)) {
                try (var dirs = Files.list(runs)) {
                    for (Path d : dirs.filter(d -> Files.exists(d.resolve("events.jsonl"))).toList()) {
                        RunDir run = new RunDir(d.getFileName().toString(), d);
                        if (metrics(Journal.read(run.journal())).size() >= steps) {
                            return run;
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the child did not reach step " + steps + " within 60 s");
    }
}
