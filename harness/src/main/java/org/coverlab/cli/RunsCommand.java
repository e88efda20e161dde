package org.coverlab.cli;

import picocli.CommandLine.Command;

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
public final class RunsCommand extends CommandGroup {
}
