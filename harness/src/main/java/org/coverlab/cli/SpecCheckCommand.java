package org.coverlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.coverlab.run.StagePlanException;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecHash;
import org.coverlab.spec.SpecValues;
import org.coverlab.spec.TrackingSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code coverlab spec check SPEC}: everything {@code coverlab run} checks before it creates a run, without creating
 * one: the spec, then the plan (stages, trackers and their credentials, the model's and dataset's files) through the
 * same {@link RunPlanner}, so it exits as run would (2 bad input, 4 unavailable) and says "ok" only when run would start.
 */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Check an experiment spec exactly as 'coverlab run' would before starting, without running it.",
                "Checks extends:, --set, keys, ranges, enums and the files it names, then plans the run as 'coverlab "
                        + "run' does: the stages this build implements (exit 4 otherwise), the trackers and their "
                        + "credentials, and the model folder's and dataset's files (exit 2). Prints 'ok: NAME (sha256 "
                        + "HASH)', or every problem. The hash is the one a run records: two specs with the same hash "
                        + "run the same experiment."},
        footer = {"", "Examples:",
                "  coverlab spec check experiments/te-8ep-5000.yaml",
                "  coverlab spec check experiments/quickstart.yaml --set train.epochs=2",
                "  coverlab spec check experiments/harness-demo.yaml --stages test --tracker wandb",
                "", ExitCodes.HELP_SECTION})
public final class SpecCheckCommand implements Callable<Integer> {

    @ParentCommand
    SpecCommand parent;

    @Mixin
    SpecInput input;

    @Option(names = "--stages", split = ",", paramLabel = "STAGE",
            description = "Plan only these stages, as 'coverlab run --stages' would.")
    List<String> stages = new ArrayList<>();

    @Option(names = "--tracker", split = ",", paramLabel = "BACKEND", converter = TrackerConverter.class,
            description = "Tracking backends, as 'coverlab run --tracker' would (their credentials are checked).")
    List<TrackingSpec.Backend> trackers = new ArrayList<>();

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        ExperimentSpec spec = input.load(ctx, "coverlab spec check");
        if (spec == null) {
            return ExitCodes.BAD_INPUT;
        }
        if (!trackers.isEmpty()) {
            spec = SpecValues.with(spec, "tracking", spec.tracking().withBackends(trackers));
        }
        try {
            RunPlanner.plan(ctx, spec, stages, !trackers.isEmpty(), !input.noFileChecks);
        } catch (StagePlanException e) {
            return RunPlanner.report(ctx, e);
        }
        ctx.out().println("ok: " + spec.name() + " (sha256 " + SpecHash.sha256(spec) + ")");
        return ExitCodes.OK;
    }
}
