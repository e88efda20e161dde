package org.coverlab.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code coverlab runs ...}: inspect the local run store. Register a new runs subcommand in {@code subcommands}. */
@Command(name = "runs",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Inspect the runs in the runs directory, and send them to W&B / MLflow.",
        subcommands = {
                RunsListCommand.class,
                RunsShowCommand.class,
                RunsSyncCommand.class,
        },
        footer = {"", ExitCodes.HELP_SECTION})
public final class RunsCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public CliContext context() {
        return root.context();
    }

    @Override
    public Integer call() {
        context().err().println("coverlab runs: a subcommand is required");
        spec.commandLine().usage(context().err());
        return ExitCodes.BAD_INPUT;
    }
}
