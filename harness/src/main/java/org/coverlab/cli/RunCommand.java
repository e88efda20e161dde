package org.coverlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.coverlab.run.Progress;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunLockedException;
import org.coverlab.run.RunSession;
import org.coverlab.run.RunSettings;
import org.coverlab.run.Runner;
import org.coverlab.run.StagePlanException;
import org.coverlab.run.UnknownRunException;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecException;
import org.coverlab.spec.SpecHash;
import org.coverlab.spec.SpecIssue;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.SpecValues;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.stages.ComputeDevice;
import org.coverlab.stages.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab run SPEC} and {@code coverlab run --resume RUN_ID}: parses, hands over to a RunSession, prints. */
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

    @Option(names = "--tracker", split = ",", paramLabel = "BACKEND", converter = TrackerConverter.class,
            description = "Tracking backends, overriding tracking.backends: local (always on), wandb, mlflow.")
    List<TrackingSpec.Backend> trackers = new ArrayList<>();

    @Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
            description = "auto (a bar on a terminal, periodic log lines otherwise), bar or lines. Default: ${DEFAULT-VALUE}.")
    String progress;

    @Mixin
    RunsDirOption runsDir;

    @Override
    public Integer call() throws IOException {
        CliContext ctx = root.context();
        Progress.Style style;
        RunSettings settings;
        try {
            style = progressStyle(ctx);
            settings = ctx.settings();
        } catch (IllegalArgumentException e) {
            return fail(ctx, ExitCodes.BAD_INPUT, e.getMessage());
        }
        // The same planning as 'spec check' (RunPlanner): stages and their input checks, trackers and credentials.
        RunSession session = new RunSession(runsDir.store(ctx), (spec, selected) -> RunPlanner.stages(ctx, spec, selected, true),
                spec -> RunPlanner.remoteTracking(ctx, spec, !trackers.isEmpty()),
                spec -> ModelSource.resolve(spec.model(), settings.tinyModel()),
                ComputeDevice::nameFor,
                new RunSession.Options(new Runner.Settings(ctx.err(), style, settings.progressInterval(), ctx.clock(),
                        settings), ctx.handleSignals(), ctx.cwd()));
        if (resumeId != null) {
            if (specFile != null || !overrides.isEmpty() || !stages.isEmpty() || !trackers.isEmpty()) {
                return fail(ctx, ExitCodes.BAD_INPUT, "--resume takes the spec, stages and trackers from the run itself;"
                        + " do not combine it with SPEC, --set, --stages or --tracker");
            }
            return resume(ctx, session);
        }
        if (specFile == null) {
            return fail(ctx, ExitCodes.BAD_INPUT, "missing SPEC (a YAML experiment spec) or --resume RUN_ID; see coverlab run --help");
        }
        return start(ctx, session);
    }

    private int start(CliContext ctx, RunSession session) throws IOException {
        Path specPath = ctx.cwd().resolve(specFile).normalize();
        ExperimentSpec spec;
        try {
            spec = SpecLoader.load(specPath, overrides, new SpecLoader.Options(ctx.cwd(), true));
        } catch (SpecException e) {
            return specProblems(ctx, specPath.toString(), e.issues());
        }
        if (!trackers.isEmpty()) {
            spec = SpecValues.with(spec, "tracking", spec.tracking().withBackends(trackers));
        }
        RunSession.Prepared prepared;
        try {
            prepared = session.prepare(spec, stages);
        } catch (StagePlanException e) {
            return RunPlanner.report(ctx, e);
        }
        RunInfo draft = new RunInfo(null, spec.name(), null, specPath.toString(), SpecHash.sha256(spec),
                stages, spec.tracking().backends().stream().map(TrackingSpec.Backend::key).toList(), overrides,
                VersionProvider.harnessVersion());
        Runner.Outcome outcome = session.start(prepared, draft,
                dir -> ctx.err().println("coverlab: run " + dir.id() + " created in " + dir.path()));
        return report(ctx, outcome, runsDir.store(ctx).root().resolve(outcome.runId()));
    }

    private int resume(CliContext ctx, RunSession session) throws IOException {
        Optional<Runner.Outcome> outcome;
        try {
            outcome = session.resume(resumeId);
        } catch (UnknownRunException | RunSession.ResumeRefusedException e) {
            return fail(ctx, ExitCodes.BAD_INPUT, e.getMessage());
        } catch (RunLockedException e) {
            return fail(ctx, ExitCodes.LOCKED, e.getMessage());
        } catch (SpecException e) {
            return specProblems(ctx, runsDir.store(ctx).root().resolve(resumeId).resolve("spec.yaml").toString(), e.issues());
        } catch (StagePlanException e) {
            return RunPlanner.report(ctx, e);
        }
        if (outcome.isEmpty()) {
            ctx.err().println("coverlab: run " + resumeId + " already finished; nothing to resume");
            return ExitCodes.OK;
        }
        return report(ctx, outcome.get(), runsDir.store(ctx).root().resolve(outcome.get().runId()));
    }

    private static int report(CliContext ctx, Runner.Outcome outcome, Path where) {
        switch (outcome.status()) {
            case FINISHED -> ctx.out().println("run " + outcome.runId() + " finished: " + where);
            case FAILED -> ctx.err().println("coverlab: run " + outcome.runId() + " failed: " + outcome.error()
                    + "\n  details: " + where.resolve("run.log") + "\n  retry:   coverlab run --resume " + outcome.runId());
            default -> ctx.err().println("coverlab: run " + outcome.runId() + " stopped (" + outcome.error()
                    + "); resume with: coverlab run --resume " + outcome.runId());
        }
        return outcome.exitCode();
    }

    private Progress.Style progressStyle(CliContext ctx) {
        return switch (progress.toLowerCase(Locale.ROOT)) {
            case "auto" -> ctx.terminal() ? Progress.Style.BAR : Progress.Style.LINES;
            case "bar" -> Progress.Style.BAR;
            case "lines" -> Progress.Style.LINES;
            default -> throw new IllegalArgumentException("--progress must be auto, bar or lines, got '" + progress + "'");
        };
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
