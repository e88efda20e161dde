package org.coverlab.cli;

import picocli.CommandLine.Command;

/** {@code coverlab bench ...}: a command group. Register a new bench subcommand in {@code subcommands}. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measure speed and memory: the model networks, the training data stream, optimizer state, FID.",
        subcommands = {BenchModelsCommand.class, BenchDataCommand.class, BenchOptimizerCommand.class,
                BenchCompareCommand.class, BenchFidCommand.class},
        footer = {"", ExitCodes.HELP_SECTION})
public final class BenchCommand extends CommandGroup {
}
