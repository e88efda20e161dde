package org.coverlab.cli;

import java.util.concurrent.Callable;
import org.coverlab.spec.ExperimentSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * What {@code coverlab spec check} and {@code spec show} share: the spec arguments and loading the spec exactly as
 * {@code coverlab run} does, with every problem listed on stderr (exit 2). Subclasses only print the loaded spec.
 */
abstract class SpecSubcommand implements Callable<Integer> {

    @ParentCommand
    SpecCommand parent;

    @Mixin
    SpecInput input;

    private final String commandName;

    SpecSubcommand(String commandName) {
        this.commandName = commandName;
    }

    @Override
    public final Integer call() {
        CliContext ctx = parent.context();
        ExperimentSpec spec = input.load(ctx, commandName);
        if (spec == null) {
            return ExitCodes.BAD_INPUT;
        }
        print(ctx, spec);
        return ExitCodes.OK;
    }

    /** Prints the loaded, valid spec to the context's stdout. */
    abstract void print(CliContext ctx, ExperimentSpec spec);
}
