package org.coverlab.run;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecValues;

/**
 * Drives a run's stages in order, one attempt at a time. A fresh attempt starts at the first stage; a resumed one
 * skips completed stages, cuts the journal back to the latest checkpoint of the current stage (or to the last stage
 * boundary when it has none) and hands that checkpoint to the stage. The run ends finished, failed (a stage threw)
 * or killed (cancelled by a signal); a kill -9 leaves it 'running' with no lock holder, which resume treats the same.
 */
public final class Runner {

    /** Console and pacing settings of the process, and its environment settings (read once). */
    public record Settings(PrintStream console, Progress.Style progressStyle, Duration progressInterval, Clock clock,
                           RunSettings environment) {

        /** With the environment settings of this process as they are now. */
        public Settings(PrintStream console, Progress.Style progressStyle, Duration progressInterval, Clock clock) {
            this(console, progressStyle, progressInterval, clock, RunSettings.fromProcess());
        }
    }

    /** How an attempt ended, and the exit code the process ends with (130 or 143 for a stop by SIGINT or SIGTERM). */
    public record Outcome(String runId, RunStatus status, String error, int exitCode) {

        public Outcome(String runId, RunStatus status, String error) {
            this(runId, status, error, exitCodeOf(status));
        }
    }

    private final Settings settings;
    private final Cancellation cancellation;

    public Runner(Settings settings, Cancellation cancellation) {
        this.settings = settings;
        this.cancellation = cancellation;
    }

    /**
     * Runs (or continues) the stages of {@code plan} in an active run and releases the run's lock at the end.
     *
     * @param remote started once the journal is ready and closed after the final event (remote tracking); may be null
     */
    public Outcome drive(ActiveRun run, RunInfo info, ExperimentSpec spec, List<Stage> plan, boolean resume,
                         RemoteTracking remote) throws IOException {
        RunDir dir = run.dir();
        Clock clock = settings.clock();
        try (RunLock lock = run.lock();
             RunLog log = new RunLog(dir.log(), settings.console(), clock);
             Journal journal = Journal.open(dir.journal())) {
            if (journal.cutBytesOnOpen() > 0) {
                log.warn("cut a torn last line ({} bytes) from {}: the previous attempt died while writing it",
                        journal.cutBytesOnOpen(), dir.journal());
            }
            RunState initial = dir.readState();
            RunLock.Owner me = RunLock.Owner.current();
            StateKeeper state = new StateKeeper(dir, clock, initial);
            LocalTracker tracker = new LocalTracker(journal);
            Checkpoints checkpoints = new Checkpoints(dir.checkpoints(), clock,
                    remote == null ? Checkpoints.Retention.ANY : remote.retention(dir, spec));

            Checkpoint resumeFrom = null;
            Stage current = firstIncomplete(plan, initial.completedStages()).orElse(null);
            if (resume) {
                resumeFrom = current == null ? null : checkpoints.latest().filter(c -> c.stage().equals(current.name())).orElse(null);
                long cutTo = resumeFrom != null ? resumeFrom.journalSeq() : initial.boundarySeq();
                long dropped = journal.truncateAfter(cutTo);
                log.info("resuming run {} (pid {} on {}) at stage {} from {}; journal cut back to seq {} ({} record(s) after it dropped)",
                        dir.id(), me.pid(), me.host(), current == null ? "-" : current.name(),
                        resumeFrom == null ? "its start" : "checkpoint " + resumeFrom.name(), cutTo, dropped);
            } else {
                log.info("starting run {} '{}' (pid {} on {}) with stages {} in {}", dir.id(), info.name(), me.pid(), me.host(),
                        plan.stream().map(Stage::name).toList(), dir.path());
            }
            tracker.log(new RunEvent.Started(clock.millis(), dir.id(), info.name(), SpecValues.flatten(spec), resume));
            long startSeq = journal.lastSeq();
            Checkpoint from = resumeFrom;
            state.update(s -> {
                RunState r = s.withStatus(RunStatus.RUNNING, null).withProcess(me.pid(), me.host());
                if (from != null) {
                    // state.json may lag the checkpoint if the last attempt died between the two writes
                    r = r.withCheckpoint(from.name(), from.epoch(), from.step());
                }
                return resume ? r : r.withCompleted(List.of(), startSeq);
            });
            RemoteTracking.Handle remoteHandle = remote == null ? RemoteTracking.Handle.NONE : remote.start(dir, info, spec, log);
            Outcome outcome;
            try {
                outcome = runStages(dir, spec, plan, resumeFrom, tracker, checkpoints, state, log);
                tracker.log(new RunEvent.Finished(clock.millis(), outcome.status().key(), outcome.exitCode()));
            } finally {
                // A stopped run does not wait out tracking.flush_timeout_seconds: the journal keeps it for 'runs sync'.
                if (cancellation.isCancelled()) {
                    remoteHandle.closeQuickly();
                } else {
                    remoteHandle.close();
                }
            }
            // The trackers' final flush may have sent checkpoints whose deletion was deferred.
            checkpoints.pruneReleased(spec.train().keepLast());
            return outcome;
        }
    }

    private Outcome runStages(RunDir dir, ExperimentSpec spec, List<Stage> plan, Checkpoint resumeFrom, LocalTracker tracker,
                              Checkpoints checkpoints, StateKeeper state, RunLog log) throws IOException {
        Clock clock = settings.clock();
        for (Stage stage : plan) {
            if (state.get().completedStages().contains(stage.name())) {
                log.info("stage {} already completed; skipping", stage.name());
                continue;
            }
            log.stage(stage.name());
            state.update(s -> s.withStage(stage.name()));
            Checkpoint from = resumeFrom != null && resumeFrom.stage().equals(stage.name()) ? resumeFrom : null;
            StageContext ctx = new StageContext(stage, spec, dir, tracker, checkpoints, from, log,
                    settings.progressStyle(), settings.progressInterval(), cancellation, clock, state,
                    settings.environment());
            long t0 = clock.millis();
            try {
                cancellation.throwIfCancelled();
                stage.run(ctx);
            } catch (Cancellation.RunCancelledException | InterruptedException e) {
                String why = cancellation.isCancelled() ? cancellation.reason() : "interrupted (" + describe(e) + ")";
                log.warn("stopped: {}; resume with: coverlab run --resume {}", why, dir.id());
                state.update(s -> s.withStatus(RunStatus.KILLED, why));
                return new Outcome(dir.id(), RunStatus.KILLED, why, cancellation.exitCode());
            } catch (Exception e) {
                if (cancellation.isCancelled()) {
                    log.warn("stopped while {} was failing: {}", stage.name(), e.toString());
                    state.update(s -> s.withStatus(RunStatus.KILLED, "stopped by signal"));
                    return new Outcome(dir.id(), RunStatus.KILLED, "stopped by signal", cancellation.exitCode());
                }
                String why = stage.name() + ": " + describe(e);
                log.error("stage {} failed: {}", stage.name(), describe(e), e);
                state.update(s -> s.withStatus(RunStatus.FAILED, why));
                return new Outcome(dir.id(), RunStatus.FAILED, why);
            }
            List<String> done = new ArrayList<>(state.get().completedStages());
            done.add(stage.name());
            long seq = tracker.lastSeq();
            state.update(s -> s.withCompleted(done, seq));
            log.info("stage {} completed in {}", stage.name(), Progress.human((clock.millis() - t0) / 1000));
        }
        log.stage("run");
        state.update(s -> s.withStatus(RunStatus.FINISHED, null));
        log.info("run {} finished", dir.id());
        return new Outcome(dir.id(), RunStatus.FINISHED, null);
    }

    /** Process exit code of a status (a stop by SIGTERM ends with 143 instead; see {@link Outcome#exitCode()}). */
    public static int exitCodeOf(RunStatus status) {
        return switch (status) {
            case FINISHED -> 0;
            case FAILED -> 1;
            case KILLED -> 130;
            case RUNNING, PENDING -> 1;
        };
    }

    private static Optional<Stage> firstIncomplete(List<Stage> plan, List<String> completed) {
        return plan.stream().filter(s -> !completed.contains(s.name())).findFirst();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
