package org.coverlab.run;

import java.util.Optional;
import org.coverlab.stages.Pipeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner in-process with scripted stages: failure, retry by resume, stage skipping and cancellation. */
class RunnerTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void fastTestStage() {
        System.setProperty("coverlab.test.stepMillis", "0");
        System.setProperty("coverlab.test.steps", "8");
    }

    @AfterEach
    void clear() {
        System.clearProperty("coverlab.test.stepMillis");
        System.clearProperty("coverlab.test.steps");
    }

    /** A 'train' stand-in that logs one metric at step 100 and fails on its first {@code failures} attempts. */
    private static final class FlakyTrain implements Stage {
        final AtomicInteger attempts = new AtomicInteger();
        final int failures;

        FlakyTrain(int failures) {
            this.failures = failures;
        }

        @Override
        public String name() {
            return "train";
        }

        @Override
        public Optional<String> neededBecause(ExperimentSpec spec) {
            return Optional.of("the test needs it");
        }

        @Override
        public void run(StageContext ctx) {
            ctx.tracker().log(new RunEvent.Metrics(ctx.clock().millis(), 100, Map.of("train_loss", 0.5)));
            if (attempts.incrementAndGet() <= failures) {
                throw new IllegalStateException("out of memory in attempt " + attempts.get());
            }
        }
    }

    private Runner runner(Cancellation cancellation) {
        return new Runner(new Runner.Settings(new PrintStream(console, true, StandardCharsets.UTF_8), Progress.Style.LINES,
                Duration.ofSeconds(10), Clock.systemUTC()), cancellation);
    }

    private ActiveRun newRun(RunStore store) throws Exception {
        return store.create(SpecWriter.toYaml(ExperimentSpec.DEFAULT), RunStoreTest.draft());
    }

    @Test
    void aFailedStageIsRetriedByResumeWithoutRedoingCompletedStagesOrDuplicatingEvents() throws Exception {
        RunStore store = new RunStore(dir.resolve("runs"), new RunId(), Clock.systemUTC());
        FlakyTrain train = new FlakyTrain(1);
        List<Stage> plan = Pipeline.standard().with(train).plan(ExperimentSpec.DEFAULT, List.of("test", "train"));
        ActiveRun run = newRun(store);
        RunInfo info = run.dir().readInfo();

        Runner.Outcome failed = runner(new Cancellation()).drive(run, info, ExperimentSpec.DEFAULT, plan, false, null);
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("train: out of memory in attempt 1", failed.error());
        RunState afterFailure = run.dir().readState();
        assertEquals(RunStatus.FAILED, afterFailure.status());
        assertEquals(List.of("test"), afterFailure.completedStages());
        assertTrue(Files.readString(run.dir().log()).contains("java.lang.IllegalStateException: out of memory"),
                "the stack trace goes to run.log");
        List<JournalRecord> firstAttempt = Journal.read(run.dir().journal());
        RunEvent.Started started = (RunEvent.Started) firstAttempt.get(0).event();
        assertEquals(run.dir().id(), started.runId());
        assertEquals(3, ((Number) started.config().get("train.keep_last")).intValue(), "the flattened spec is the run's config");
        assertEquals(List.of("fid", "kid"), started.config().get("eval.metrics"));
        assertEquals(new RunEvent.Finished(((RunEvent.Finished) firstAttempt.get(firstAttempt.size() - 1).event()).timeMillis(), "failed", 1),
                firstAttempt.get(firstAttempt.size() - 1).event());

        ActiveRun again = new ActiveRun(run.dir(), RunLock.acquire(run.dir().id(), run.dir().lockFile()));
        Runner.Outcome finished = runner(new Cancellation()).drive(again, info, ExperimentSpec.DEFAULT, plan, true, null);
        assertEquals(RunStatus.FINISHED, finished.status());
        assertEquals(2, train.attempts.get());

        List<JournalRecord> journal = Journal.read(run.dir().journal());
        long testSteps = journal.stream().filter(r -> r.event() instanceof RunEvent.Metrics m && m.values().containsKey("loss")).count();
        long trainMetrics = journal.stream().filter(r -> r.event() instanceof RunEvent.Metrics m && m.values().containsKey("train_loss")).count();
        long finishedEvents = journal.stream().filter(r -> r.event() instanceof RunEvent.Finished).count();
        assertEquals(8, testSteps, "the completed test stage is not rerun");
        assertEquals(1, trainMetrics, "the failed attempt's events were cut back to the stage boundary");
        assertEquals(1, finishedEvents);
        assertEquals(List.of("test", "train"), run.dir().readState().completedStages());
    }

    @Test
    void aCancelledRunEndsKilledAndIsResumable() throws Exception {
        RunStore store = new RunStore(dir.resolve("runs"), new RunId(), Clock.systemUTC());
        Cancellation cancellation = new Cancellation();
        Stage stopsItself = new Stage() {
            @Override
            public String name() {
                return "train";
            }

            @Override
            public Optional<String> neededBecause(ExperimentSpec spec) {
                return Optional.of("the test needs it");
            }

            @Override
            public void run(StageContext ctx) {
                cancellation.cancel("interrupted by a signal (test)");
                ctx.checkCancelled();
            }
        };
        List<Stage> plan = Pipeline.standard().with(stopsItself).plan(ExperimentSpec.DEFAULT, List.of("train"));
        ActiveRun run = newRun(store);
        Runner.Outcome outcome = runner(cancellation).drive(run, run.dir().readInfo(), ExperimentSpec.DEFAULT, plan, false, null);
        assertEquals(RunStatus.KILLED, outcome.status());
        assertEquals(130, Runner.exitCodeOf(outcome.status()));
        assertEquals(RunStatus.KILLED, run.dir().readState().status());
        List<JournalRecord> journal = Journal.read(run.dir().journal());
        RunEvent last = journal.get(journal.size() - 1).event();
        assertEquals("killed", ((RunEvent.Finished) last).status());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("resume with: coverlab run --resume " + run.dir().id()));
        assertTrue(!RunLock.isHeld(run.dir().lockFile()), "the lock is released when the attempt ends");
    }
}
