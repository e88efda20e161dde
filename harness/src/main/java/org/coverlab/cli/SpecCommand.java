package org.coverlab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code coverlab spec ...}: a command group. Register a new spec subcommand in {@code subcommands}. */
@Command(name = "spec",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Validate an experiment spec, or print it fully resolved, without running anything.",
        subcommands = {SpecCheckCommand.class, SpecShowCommand.class},
        footer = {"", ExitCodes.HELP_SECTION})
public final class SpecCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        context().err().println("coverlab spec: a subcommand is required");
        spec.commandLine().usage(context().err());
        return ExitCodes.BAD_INPUT;
    }
}
