package org.coverlab.cli;

import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecHash;
import picocli.CommandLine.Command;

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
public final class SpecCheckCommand extends SpecSubcommand {

    public SpecCheckCommand() {
        super("coverlab spec check");
    }

    @Override
    void print(CliContext ctx, ExperimentSpec spec) {
        ctx.out().println("ok: " + spec.name() + " (sha256 " + SpecHash.sha256(spec) + ")");
    }
}
