package org.coverlab.cli;

import java.util.concurrent.Callable;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab spec check SPEC}: validate a spec the way {@code coverlab run} does, without running it. */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Validate an experiment spec exactly as 'coverlab run' would, without running it.",
                "Checks extends:, --set, keys, ranges, enums and the files it names; prints 'ok: NAME "
                        + "(sha256 HASH)', or every problem as file:line: key: what was expected (exit 2). The hash "
                        + "is the one a run records: two specs with the same hash run the same experiment."},
        footer = {"", "Examples:",
                "  coverlab spec check experiments/te-8ep-5000.yaml",
                "  coverlab spec check experiments/quickstart.yaml --set train.epochs=2",
                "", ExitCodes.HELP_SECTION})
public final class SpecCheckCommand implements Callable<Integer> {

    @ParentCommand
    SpecCommand parent;

    @Mixin
    SpecInput input;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        ExperimentSpec spec = input.load(ctx, "coverlab spec check");
        if (spec == null) {
            return ExitCodes.BAD_INPUT;
        }
        ctx.out().println("ok: " + spec.name() + " (sha256 " + SpecHash.sha256(spec) + ")");
        return ExitCodes.OK;
    }
}
