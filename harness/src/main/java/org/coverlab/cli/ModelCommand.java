package org.coverlab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code coverlab model ...}: a command group. Register a new model subcommand in {@code subcommands}. */
@Command(name = "model",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Create model folders (the embedded tiny preset).",
        subcommands = {ModelInitTinyCommand.class},
        footer = {"", ExitCodes.HELP_SECTION})
public final class ModelCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        context().err().println("coverlab model: a subcommand is required");
        spec.commandLine().usage(context().err());
        return ExitCodes.BAD_INPUT;
    }
}
