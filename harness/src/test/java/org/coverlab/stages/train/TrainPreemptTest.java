package org.coverlab.stages.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Checkpoints;
import org.coverlab.run.CoverlabProcess;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunStatus;
import org.coverlab.stages.ModelSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGUSR1 (Slurm's warning before a job's time limit) in the middle of training, in a child JVM: the stage saves a
 * checkpoint after the update it completed last, outside any gradient-accumulation window, the run exits 138, and the
 * resume continues from that update, so every update is journaled exactly once although no periodic checkpoint was due.
 */
class TrainPreemptTest {

    private static final int UPDATES = 12; // 24 images, batch 1, accumulation 2, one epoch

    @TempDir
    Path dir;

    @Test
    void sigusr1SavesACheckpointAfterTheLastUpdateAndTheResumeRedoesNoUpdate() throws Exception {
        Path spec = Files.writeString(dir.resolve("train.yaml"), """
                name: train-preempt
                seed: 5
                model:
                  base: tiny
                dataset:
                  source: synthetic
                  path: %s
                  images: 24
                  resolution: {width: 32, height: 32}
                train:
                  components: [unet]
                  epochs: 1
                  batch_size: 1
                  gradient_accumulation: 2
                  learning_rate: 1e-3
                  checkpoint_every: 1000
                  keep_last: 3
                sample:
                  every: never
                eval:
                  metrics: []
                """.formatted(dir.resolve("covers")));
        Path runs = dir.resolve("runs");
        Path log = dir.resolve("children.log");

        Process first = child(log, "run", spec.toString(), "--runs-dir", runs.toString());
        RunDir run = awaitUpdates(runs, first, 2);
        new ProcessBuilder("kill", "-USR1", Long.toString(first.pid())).start().waitFor();
        assertTrue(first.waitFor(120, TimeUnit.SECONDS));
        assertEquals(138, first.exitValue(), Files.readString(log));

        long last = updates(run).get(updates(run).size() - 1);
        assertTrue(last < UPDATES, "stopped before the end, at update " + last);
        List<Checkpoint> kept = new Checkpoints(run.checkpoints(), Clock.systemUTC()).list().stream()
                .filter(c -> c.stage().equals("train")).toList();
        assertEquals(List.of(Long.toString(last)), kept.stream().map(Checkpoint::name).toList(),
                "one train checkpoint, after the last journaled update");
        assertEquals(RunStatus.KILLED, run.readState().status());

        Process resumed = child(log, "run", "--resume", run.id(), "--runs-dir", runs.toString());
        assertTrue(resumed.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, resumed.exitValue(), Files.readString(log));
        assertEquals(LongStream.rangeClosed(1, UPDATES).boxed().toList(), updates(run), "every update once, in order");
        assertTrue(Files.readString(run.log()).contains("resuming training after update " + last), Files.readString(run.log()));
    }

    private Process child(Path log, String... args) throws Exception {
        // the seeded random init: a test of stopping, not of weights, so no pretrained base is needed
        return CoverlabProcess.start(dir, log, "org.coverlab.cli.Main",
                List.of("-D" + ModelSource.TINY_PROPERTY + "=" + ModelSource.TINY_INIT), args);
    }

    private static List<Long> updates(RunDir run) throws Exception {
        return Journal.read(run.journal()).stream().map(JournalRecord::event)
                .filter(e -> e instanceof RunEvent.Metrics m && m.values().containsKey("grad_norm"))
                .map(e -> ((RunEvent.Metrics) e).step()).toList();
    }

    private static RunDir awaitUpdates(Path runs, Process child, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 240_000;
        while (System.currentTimeMillis() < deadline) {
            assertTrue(child.isAlive(), "the child exited early");
            if (Files.isDirectory(runs)) {
                try (Stream<Path> dirs = Files.list(runs)) {
                    for (Path d : dirs.filter(d -> Files.exists(d.resolve("events.jsonl"))).toList()) {
                        RunDir run = new RunDir(d.getFileName().toString(), d);
                        try {
                            if (updates(run).size() >= n) {
                                return run;
                            }
                        } catch (java.io.IOException e) {
                            // read while the child writes; the next poll sees it
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + n + " updates within 240 s");
    }
}
