package org.coverlab.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.coverlab.spec.ExperimentSpec;

/** Everything a running {@link Stage} may use: the spec, the run folder, the tracker, checkpoints, log and progress. */
public final class StageContext {

    private final Stage stage;
    private final ExperimentSpec spec;
    private final RunDir runDir;
    private final LocalTracker tracker;
    private final Checkpoints checkpoints;
    private final Checkpoint resumeFrom;
    private final RunLog log;
    private final Progress.Style progressStyle;
    private final Duration progressInterval;
    private final Cancellation cancellation;
    private final Clock clock;
    private final StateKeeper state;
    private final RunSettings settings;

    StageContext(Stage stage, ExperimentSpec spec, RunDir runDir, LocalTracker tracker, Checkpoints checkpoints,
                 Checkpoint resumeFrom, RunLog log, Progress.Style progressStyle, Duration progressInterval,
                 Cancellation cancellation, Clock clock, StateKeeper state, RunSettings settings) {
        this.settings = settings;
        this.stage = stage;
        this.spec = spec;
        this.runDir = runDir;
        this.tracker = tracker;
        this.checkpoints = checkpoints;
        this.resumeFrom = resumeFrom;
        this.log = log;
        this.progressStyle = progressStyle;
        this.progressInterval = progressInterval;
        this.cancellation = cancellation;
        this.clock = clock;
        this.state = state;
    }

    public ExperimentSpec spec() {
        return spec;
    }

    public RunDir runDir() {
        return runDir;
    }

    public String runId() {
        return runDir.id();
    }

    /** Where metrics, images, artifacts and summaries go; durable in the journal when the call returns. */
    public Tracker tracker() {
        return tracker;
    }

    /** The process's environment settings (COVERLAB_* variables), read once at start. */
    public RunSettings settings() {
        return settings;
    }

    public RunLog log() {
        return log;
    }

    public Clock clock() {
        return clock;
    }

    /** The latest checkpoint this stage saved in an earlier attempt of the run, when resuming; empty on a fresh start. */
    public Optional<Checkpoint> resumeFrom() {
        return Optional.ofNullable(resumeFrom);
    }

    /**
     * Saves a checkpoint atomically (files written by {@code files} into the checkpoint folder, then {@code state}),
     * moves the {@code latest} pointer to it, prunes this stage's checkpoints to {@code train.keep_last}, and records
     * epoch/step in state.json.
     */
    public Checkpoint checkpoint(long epoch, long step, Map<String, Object> stageState, Checkpoints.FileWriter files) throws IOException {
        Checkpoint c = checkpoints.save(stage.name(), stage.checkpointName(step), epoch, step, stageState, files, tracker,
                spec.train().keepLast());
        state.update(s -> s.withCheckpoint(c.name(), epoch, step));
        log.fileOnly("checkpoint {} saved (epoch {}, step {}, journal seq {})", c.name(), epoch, step, c.journalSeq());
        return c;
    }

    /** A progress display for a loop of {@code total} units of which {@code alreadyDone} are done (non-zero on resume). */
    public Progress progress(String label, long total, long alreadyDone) {
        return new Progress(log, progressStyle, clock, progressInterval, label, total, alreadyDone);
    }

    /**
     * True when the run was asked to stop with a checkpoint first (SIGUSR1: a batch scheduler's time limit is near and
     * the job will be requeued). A stage with checkpoints then saves one at its current step, unless it just did, before
     * its next {@link #checkCancelled()}; a stage without checkpoints simply stops there.
     */
    public boolean checkpointBeforeStop() {
        return cancellation.wantsCheckpoint();
    }

    /** Throws {@link Cancellation.RunCancelledException} when the run was asked to stop; call it between steps. */
    public void checkCancelled() {
        cancellation.throwIfCancelled();
    }

    /**
     * When {@link RunSettings#testHoldAtStep()} is {@code step} and its point is {@code point} (or none was named),
     * waits here until the run is stopped (a stop asking for a checkpoint first returns, so the loop checkpoints and stops
     * as it would have) or killed, or until the run folder has {@value RunSettings#TEST_RELEASE_FILE}:
     * a test then acts at a known point of a loop instead of racing the clock. The run's log says where it holds.
     * Otherwise returns at once.
     *
     * @param point one of {@link RunSettings#TEST_HOLD_POINTS}
     * @param where the point in words, for the log
     */
    public void holdIfAsked(String point, long step, String where) throws InterruptedException {
        if (step != settings.testHoldAtStep() || settings.testHoldPoint().filter(p -> !p.equals(point)).isPresent()) {
            return;
        }
        log.info("holding at {}:{} ({}) until stopped or released", point, step, where);
        Path release = runDir.path().resolve(RunSettings.TEST_RELEASE_FILE);
        // a stop that asks for a checkpoint first (SIGUSR1) releases the hold: the loop then stops as it would have
        while (!Files.exists(release) && !checkpointBeforeStop()) {
            checkCancelled();
            Thread.sleep(50);
        }
        log.info("released at {}:{}{}", point, step, checkpointBeforeStop() ? " by a stop asking for a checkpoint" : "");
    }
}
