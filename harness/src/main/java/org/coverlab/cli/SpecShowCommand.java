package org.coverlab.cli;

import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecWriter;
import picocli.CommandLine.Command;

/** {@code coverlab spec show SPEC}: the spec with extends:, --set and every default resolved. */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Print an experiment spec fully resolved, as canonical YAML.",
                "extends: merged, --set applied, every default filled in: the spec.yaml a run would store. "
                        + "Problems are listed as by 'coverlab spec check' (exit 2)."},
        footer = {"", "Examples:",
                "  coverlab spec show experiments/te-8ep-5000.yaml",
                "  coverlab spec show experiments/quickstart.yaml --set sample.steps=50",
                "", ExitCodes.HELP_SECTION})
public final class SpecShowCommand extends SpecSubcommand {

    public SpecShowCommand() {
        super("coverlab spec show");
    }

    @Override
    void print(CliContext ctx, ExperimentSpec spec) {
        ctx.out().print(SpecWriter.toYaml(spec));
    }
}
