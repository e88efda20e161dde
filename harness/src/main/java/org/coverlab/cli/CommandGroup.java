package org.coverlab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code coverlab runs}, {@code spec}, {@code model}, {@code bench}): it hands
 * its subcommands the process context, and called without one it is a usage error.
 */
abstract class CommandGroup implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        context().err().println(spec.qualifiedName() + ": a subcommand is required");
        spec.commandLine().usage(context().err());
        return ExitCodes.BAD_INPUT;
    }
}
