package org.coverlab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code coverlab bench ...}: a command group. Register a new bench subcommand in {@code subcommands}. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measure speed and memory: the model networks, the training data stream.",
        subcommands = {BenchModelsCommand.class, BenchDataCommand.class},
        footer = {"", ExitCodes.HELP_SECTION})
public final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        context().err().println("coverlab bench: a subcommand is required");
        spec.commandLine().usage(context().err());
        return ExitCodes.BAD_INPUT;
    }
}
