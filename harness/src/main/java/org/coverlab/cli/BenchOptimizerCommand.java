package org.coverlab.cli;

import java.util.concurrent.Callable;
import org.coverlab.training.OptimizerMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab bench optimizer}: optimizer-state bytes of AdamW and 8-bit AdamW on real layouts. */
@Command(name = "optimizer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Print the optimizer-state memory of fp32 AdamW and 8-bit AdamW (block-wise, blocks of 2048, "
                + "parameters under min_8bit_size kept in fp32) for the tiny preset and SD1.5's UNet and text encoder.",
                "Computed from the parameter layouts; no weights are allocated."},
        footer = {"", ExitCodes.HELP_SECTION})
public final class BenchOptimizerCommand implements Callable<Integer> {

    @ParentCommand
    BenchCommand parent;

    @Override
    public Integer call() {
        OptimizerMemory.print(OptimizerMemory.standardNetworks(), parent.context().out());
        return ExitCodes.OK;
    }
}
