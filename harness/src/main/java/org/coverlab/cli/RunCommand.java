package org.coverlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.coverlab.run.ActiveRun;
import org.coverlab.run.Cancellation;
import org.coverlab.run.Progress;
import org.coverlab.run.RemoteTracking;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunLockedException;
import org.coverlab.run.RunState;
import org.coverlab.run.RunStatus;
import org.coverlab.run.RunStore;
import org.coverlab.run.Runner;
import org.coverlab.run.Stage;
import org.coverlab.run.StagePlanException;
import org.coverlab.run.UnknownRunException;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecException;
import org.coverlab.spec.SpecHash;
import org.coverlab.spec.SpecIssue;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.SpecWriter;
import org.coverlab.spec.TrackingSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab run SPEC} and {@code coverlab run --resume RUN_ID}. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Run an experiment from a YAML spec in a new run folder, or resume an earlier run by id.",
                "The spec is fully validated first: if anything is wrong every issue is listed and nothing is created.",
                "A resumed run continues from its latest checkpoint with the spec it started with."},
        footer = {"", "Examples:",
                "  coverlab run experiments/te-8ep-5000.yaml --set train.epochs=2",
                "  coverlab run experiments/harness-demo.yaml --stages test",
                "  coverlab run --resume 3k9x2a7b",
                "", ExitCodes.HELP_SECTION})
public final class RunCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "Experiment spec (YAML); relative to the current directory.")
    Path specFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec key (dotted path), e.g. --set train.epochs=2; repeatable, applied in order.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", paramLabel = "RUN_ID", description = "Resume this run from its latest checkpoint (takes the spec from the run).")
    String resumeId;

    @Option(names = "--stages", split = ",", paramLabel = "STAGE",
            description = "Run only these stages (comma-separated) instead of the spec's pipeline: prepare_data, test, train, sample, evaluate, report. 'test' is the harness demo stage (a fake training loop).")
    List<String> stages = new ArrayList<>();

    @Option(names = "--tracker", split = ",", paramLabel = "BACKEND",
            description = "Tracking backends, overriding tracking.backends: local (always on), wandb, mlflow.")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
            description = "auto (a bar on a terminal, periodic log lines otherwise), bar or lines. Default: ${DEFAULT-VALUE}.")
    String progress;

    @Mixin
    RunsDirOption runsDir;

    @Override
    public Integer call() throws IOException {
        CliContext ctx = root.context();
        Progress.Style style;
        try {
            style = progressStyle(ctx);
        } catch (IllegalArgumentException e) {
            return fail(ctx, ExitCodes.BAD_INPUT, e.getMessage());
        }
        RunStore store = runsDir.store(ctx);
        if (resumeId != null) {
            if (specFile != null || !overrides.isEmpty() || !stages.isEmpty() || !trackers.isEmpty()) {
                return fail(ctx, ExitCodes.BAD_INPUT, "--resume takes the spec, stages and trackers from the run itself;"
                        + " do not combine it with SPEC, --set, --stages or --tracker");
            }
            return resume(ctx, store, style);
        }
        if (specFile == null) {
            return fail(ctx, ExitCodes.BAD_INPUT, "missing SPEC (a YAML experiment spec) or --resume RUN_ID; see coverlab run --help");
        }
        return start(ctx, store, style);
    }

    private int start(CliContext ctx, RunStore store, Progress.Style style) throws IOException {
        Path specPath = ctx.cwd().resolve(specFile).normalize();
        List<String> sets = new ArrayList<>(overrides);
        if (!trackers.isEmpty()) {
            try {
                sets.add(RunPlanner.trackerOverride(trackers));
            } catch (IllegalArgumentException e) {
                return fail(ctx, ExitCodes.BAD_INPUT, e.getMessage());
            }
        }
        ExperimentSpec spec;
        try {
            spec = SpecLoader.load(specPath, sets, new SpecLoader.Options(ctx.cwd(), true));
        } catch (SpecException e) {
            return specProblems(ctx, specPath.toString(), e.issues());
        }
        RunPlanner.Plan plan;
        try {
            plan = RunPlanner.plan(ctx, spec, stages, !trackers.isEmpty(), true);
        } catch (StagePlanException e) {
            return RunPlanner.report(ctx, e);
        }
        RunInfo draft = new RunInfo(null, spec.name(), null, specPath.toString(), SpecHash.sha256(spec),
                stages, spec.tracking().backends().stream().map(TrackingSpec.Backend::key).toList(), overrides,
                VersionProvider.harnessVersion());
        ActiveRun run = store.create(SpecWriter.toYaml(spec), draft);
        ctx.err().println("coverlab: run " + run.dir().id() + " created in " + run.dir().path());
        return drive(ctx, run, draft, spec, plan.stages(), plan.remote(), false, style);
    }

    private int resume(CliContext ctx, RunStore store, Progress.Style style) throws IOException {
        RunDir dir;
        try {
            dir = store.find(resumeId);
        } catch (UnknownRunException e) {
            return fail(ctx, ExitCodes.BAD_INPUT, e.getMessage());
        }
        RunLock lock;
        try {
            lock = RunLock.acquire(dir.id(), dir.lockFile());
        } catch (RunLockedException e) {
            return fail(ctx, ExitCodes.LOCKED, e.getMessage());
        }
        boolean handedOver = false;
        try {
            RunInfo info = dir.readInfo();
            RunState state = dir.readState();
            if (state != null && state.status() == RunStatus.FINISHED) {
                ctx.err().println("coverlab: run " + dir.id() + " already finished; nothing to resume");
                return ExitCodes.OK;
            }
            ExperimentSpec spec;
            try {
                spec = SpecLoader.load(dir.spec(), List.of(), new SpecLoader.Options(ctx.cwd(), true));
            } catch (SpecException e) {
                return specProblems(ctx, dir.spec().toString(), e.issues());
            }
            String hash = SpecHash.sha256(spec);
            if (!hash.equals(info.specSha256())) {
                return fail(ctx, ExitCodes.BAD_INPUT, dir.spec() + " no longer matches the spec the run started with (sha256 "
                        + hash + ", recorded " + info.specSha256() + "); a resumed run must use its original spec."
                        + " Start a new run to change it.");
            }
            RunPlanner.Plan plan;
            try {
                plan = RunPlanner.plan(ctx, spec, info.stages(), false, true);
            } catch (StagePlanException e) {
                return RunPlanner.report(ctx, e);
            }
            handedOver = true;
            return drive(ctx, new ActiveRun(dir, lock), info, spec, plan.stages(), plan.remote(), true, style);
        } finally {
            if (!handedOver) {
                lock.close();
            }
        }
    }

    private int drive(CliContext ctx, ActiveRun run, RunInfo info, ExperimentSpec spec, List<Stage> plan,
                      RemoteTracking remote, boolean resume, Progress.Style style) throws IOException {
        Cancellation cancellation = new Cancellation();
        Runner.Settings settings = new Runner.Settings(ctx.err(), style, progressInterval(ctx), ctx.clock());
        Runner runner = new Runner(settings, cancellation);
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = ctx.handleSignals() ? installSignalHook(cancellation, Thread.currentThread(), done) : null;
        try {
            Runner.Outcome outcome = runner.drive(run, info, spec, plan, resume, remote);
            String where = run.dir().path().toString();
            switch (outcome.status()) {
                case FINISHED -> ctx.out().println("run " + outcome.runId() + " finished: " + where);
                case FAILED -> ctx.err().println("coverlab: run " + outcome.runId() + " failed: " + outcome.error()
                        + "\n  details: " + run.dir().log() + "\n  retry:   coverlab run --resume " + outcome.runId());
                default -> ctx.err().println("coverlab: run " + outcome.runId() + " stopped (" + outcome.error()
                        + "); resume with: coverlab run --resume " + outcome.runId());
            }
            return Runner.exitCodeOf(outcome.status());
        } finally {
            // Only now may a pending shutdown (Ctrl-C) proceed: the run's end is recorded and reported.
            done.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down: the hook is running and has just been released
                }
            }
        }
    }

    /** On Ctrl-C / SIGTERM: ask the stage to stop, interrupt its sleep or wait, and let the runner record 'killed'. */
    private static Thread installSignalHook(Cancellation cancellation, Thread main, CountDownLatch done) {
        Thread hook = new Thread(() -> {
            cancellation.cancel("interrupted by a signal (Ctrl-C or SIGTERM)");
            main.interrupt();
            try {
                done.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "coverlab-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private Progress.Style progressStyle(CliContext ctx) {
        return switch (progress.toLowerCase(Locale.ROOT)) {
            case "auto" -> ctx.terminal() ? Progress.Style.BAR : Progress.Style.LINES;
            case "bar" -> Progress.Style.BAR;
            case "lines" -> Progress.Style.LINES;
            default -> throw new IllegalArgumentException("--progress must be auto, bar or lines, got '" + progress + "'");
        };
    }

    private static Duration progressInterval(CliContext ctx) {
        String s = ctx.env().get("COVERLAB_PROGRESS_SECONDS");
        try {
            return Duration.ofMillis(Math.max(100, (long) (1000 * Double.parseDouble(s == null ? "10" : s))));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(10);
        }
    }

    private static int specProblems(CliContext ctx, String file, List<SpecIssue> issues) {
        ctx.err().println("coverlab: " + file + ": " + issues.size() + (issues.size() == 1 ? " problem" : " problems")
                + "; no run was created:");
        for (SpecIssue issue : issues) {
            ctx.err().println("  " + issue);
        }
        return ExitCodes.BAD_INPUT;
    }

    private static int fail(CliContext ctx, int code, String message) {
        ctx.err().println("coverlab: " + message);
        return code;
    }
}
