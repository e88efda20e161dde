package org.coverlab.cli;

import java.util.concurrent.Callable;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

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
public final class SpecShowCommand implements Callable<Integer> {

    @ParentCommand
    SpecCommand parent;

    @Mixin
    SpecInput input;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        ExperimentSpec spec = input.load(ctx, "coverlab spec show");
        if (spec == null) {
            return ExitCodes.BAD_INPUT;
        }
        ctx.out().print(SpecWriter.toYaml(spec));
        return ExitCodes.OK;
    }
}
