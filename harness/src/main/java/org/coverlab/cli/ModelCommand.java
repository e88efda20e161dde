package org.coverlab.cli;

import picocli.CommandLine.Command;

/** {@code coverlab model ...}: a command group. Register a new model subcommand in {@code subcommands}. */
@Command(name = "model",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Create model folders (the embedded tiny preset, its pretrained base) and export fine-tuned ones.",
        subcommands = {ModelInitTinyCommand.class, ModelPretrainTinyCommand.class, ModelExportCommand.class},
        footer = {"", ExitCodes.HELP_SECTION})
public final class ModelCommand extends CommandGroup {
}
