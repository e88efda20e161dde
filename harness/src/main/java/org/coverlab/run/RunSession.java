package org.coverlab.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecException;
import org.coverlab.spec.SpecHash;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.SpecWriter;

/**
 * One process driving one run. {@link #start} creates the run folder for a checked and planned spec and drives it;
 * {@link #resume} takes the lock of an existing run, refuses a spec.yaml that no longer matches the run's hash, plans
 * the stages the run started with and drives it from its latest checkpoint. While a run is driven, SIGINT and SIGTERM
 * become a {@link Cancellation} ({@link StopSignals}), so a stop is recorded as killed and the process exits 130 or
 * 143. The lock is held from the first check to the final state write. Commands parse arguments and print results;
 * every refusal here is an exception whose message is the text to print.
 */
public final class RunSession {

    /** Plans a spec's stages: the selected ones, or the spec's own pipeline when none is selected. */
    @FunctionalInterface
    public interface Planner {
        List<Stage> plan(ExperimentSpec spec, List<String> selected) throws StagePlanException;
    }

    /** The remote tracking a spec asks for, or null when it logs locally only; refuses backends this build lacks. */
    @FunctionalInterface
    public interface RemoteFactory {
        RemoteTracking forSpec(ExperimentSpec spec) throws StagePlanException;
    }

    /**
     * The weights a spec resolves to before the run starts (model.base, or the configured pretrained tiny folder), or
     * null when the run makes its own (the tiny model's seeded random initialisation).
     */
    @FunctionalInterface
    public interface WeightsResolver {
        RunProvenance.Weights resolve(ExperimentSpec spec) throws IOException;
    }

    /** The device a spec's run computes on here (train.device resolved), as run.json names it. */
    @FunctionalInterface
    public interface DeviceResolver {
        String resolve(ExperimentSpec spec);
    }

    /** A resume that cannot continue the run as it was started (its spec.yaml was edited, its weights changed). */
    public static final class ResumeRefusedException extends Exception {
        public ResumeRefusedException(String message) {
            super(message);
        }
    }

    /**
     * @param settings      console, progress and clock of this process
     * @param handleSignals install SIGINT/SIGTERM handlers (a real process; in-process tests leave them off)
     * @param cwd           where relative paths of a resumed spec resolve
     */
    public record Options(Runner.Settings settings, boolean handleSignals, Path cwd) {}

    private final RunStore store;
    private final Planner planner;
    private final RemoteFactory remote;
    private final WeightsResolver weights;
    private final DeviceResolver device;
    private final Options options;

    public RunSession(RunStore store, Planner planner, RemoteFactory remote, WeightsResolver weights,
                      DeviceResolver device, Options options) {
        this.store = store;
        this.planner = planner;
        this.remote = remote;
        this.weights = weights;
        this.device = device;
        this.options = options;
    }

    /** The plan and remote tracking for a new run, checked before anything is created. */
    public record Prepared(ExperimentSpec spec, List<String> selected, List<Stage> plan, RemoteTracking remote) {}

    /** Plans {@code spec} and resolves its trackers; throws listing every problem, before any run exists. */
    public Prepared prepare(ExperimentSpec spec, List<String> selected) throws StagePlanException {
        return new Prepared(spec, selected, planner.plan(spec, selected), remote.forSpec(spec));
    }

    /**
     * Records the run's provenance (resolved weights, environment) in a new run folder ({@code created} is told at
     * once) and drives the run to its end.
     */
    public Runner.Outcome start(Prepared prepared, RunInfo draft, Consumer<RunDir> created) throws IOException {
        RunProvenance provenance = provenance(prepared.spec());
        ActiveRun run = store.create(SpecWriter.toYaml(prepared.spec()), draft.withProvenance(provenance));
        created.accept(run.dir());
        return drive(run, run.dir().readInfo(), prepared.spec(), prepared.plan(), prepared.remote(), false);
    }

    /**
     * Records the run's provenance in a new run folder left {@link RunStatus#PENDING}: the run exists with its id and
     * resolved spec and is not started; {@link #resume} (i.e. {@code coverlab run --resume ID}) starts it from the
     * beginning, in this process or another. Study members are created this way before submission.
     */
    public RunDir create(Prepared prepared, RunInfo draft) throws IOException {
        RunProvenance provenance = provenance(prepared.spec());
        return store.createPending(SpecWriter.toYaml(prepared.spec()), draft.withProvenance(provenance));
    }

    private RunProvenance provenance(ExperimentSpec spec) throws IOException {
        return RunProvenance.of(weights.resolve(spec), device.resolve(spec), options.cwd());
    }

    /**
     * Continues run {@code id} from its latest checkpoint, or starts it when it is still pending; empty when it had
     * already finished (nothing is done).
     *
     * @throws UnknownRunException     no run has that id
     * @throws RunLockedException      another process drives it
     * @throws SpecException           its spec.yaml no longer loads
     * @throws ResumeRefusedException  its spec.yaml no longer matches the spec it started with
     * @throws StagePlanException      its stages or trackers are not in this build
     */
    public Optional<Runner.Outcome> resume(String id) throws IOException, UnknownRunException, RunLockedException,
            SpecException, ResumeRefusedException, StagePlanException {
        RunDir dir = store.find(id);
        RunLock lock = RunLock.acquire(dir.id(), dir.lockFile());
        boolean handedOver = false;
        try {
            RunInfo info = dir.readInfo();
            RunState state = dir.readState();
            if (state != null && state.status() == RunStatus.FINISHED) {
                return Optional.empty();
            }
            ExperimentSpec spec = SpecLoader.load(dir.spec(), List.of(), new SpecLoader.Options(options.cwd(), true));
            String hash = SpecHash.sha256(spec);
            if (!hash.equals(info.specSha256())) {
                throw new ResumeRefusedException(dir.spec() + " no longer matches the spec the run started with (sha256 "
                        + hash + ", recorded " + info.specSha256() + "); a resumed run must use its original spec."
                        + " Start a new run to change it.");
            }
            checkSameWeights(dir, info, spec);
            List<Stage> plan = planner.plan(spec, info.stages());
            RemoteTracking tracking = remote.forSpec(spec);
            handedOver = true;
            boolean neverStarted = state != null && state.status() == RunStatus.PENDING;
            return Optional.of(drive(new ActiveRun(dir, lock), info, spec, plan, tracking, !neverStarted));
        } finally {
            if (!handedOver) {
                lock.close();
            }
        }
    }

    /** Refuses a resume whose spec now resolves to other weights than the run recorded (runs before provenance pass). */
    private void checkSameWeights(RunDir dir, RunInfo info, ExperimentSpec spec) throws IOException, ResumeRefusedException {
        RunProvenance recorded = info.provenance();
        if (recorded == null) {
            return;
        }
        RunProvenance.Weights now = weights.resolve(spec);
        String nowSha = now == null ? null : now.sha256();
        if (!java.util.Objects.equals(nowSha, recorded.weightsSha256())) {
            throw new ResumeRefusedException("run " + dir.id() + " started with "
                    + (recorded.weightsSha256() == null ? "the tiny model's seeded random initialisation"
                            : "the weights in " + recorded.modelFolder() + " (sha256 " + recorded.weightsSha256() + ")")
                    + " but model.base now resolves to "
                    + (now == null ? "the tiny model's seeded random initialisation"
                            : "the weights in " + now.folder() + " (sha256 " + now.sha256() + ")")
                    + "; a resumed run must use the weights it started with. Restore them (or COVERLAB_TINY_MODEL) or start a new run.");
        }
    }

    private Runner.Outcome drive(ActiveRun run, RunInfo info, ExperimentSpec spec, List<Stage> plan,
                                 RemoteTracking tracking, boolean resume) throws IOException {
        Cancellation cancellation = new Cancellation();
        Runner runner = new Runner(options.settings(), cancellation);
        if (!options.handleSignals()) {
            return runner.drive(run, info, spec, plan, resume, tracking);
        }
        try (StopSignals signals = StopSignals.install(cancellation, options.settings().console())) {
            return runner.drive(run, info, spec, plan, resume, tracking);
        }
    }
}
