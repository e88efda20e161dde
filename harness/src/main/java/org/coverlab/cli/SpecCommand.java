package org.coverlab.cli;

import picocli.CommandLine.Command;

/** {@code coverlab spec ...}: a command group. Register a new spec subcommand in {@code subcommands}. */
@Command(name = "spec",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Validate an experiment spec, or print it fully resolved, without running anything.",
        subcommands = {SpecCheckCommand.class, SpecShowCommand.class},
        footer = {"", ExitCodes.HELP_SECTION})
public final class SpecCommand extends CommandGroup {
}
