package org.coverlab.cli;

import java.util.concurrent.Callable;
import org.coverlab.metrics.MetricsBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab bench fid}: Fréchet distance time and feature extraction images/s. */
@Command(name = "fid",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Measure the Fréchet distance of 2048-d statistics and feature extraction images/s of the FID "
                + "Inception and the cover-feature CNN (trained on first use).",
        footer = {"", ExitCodes.HELP_SECTION})
public final class BenchFidCommand implements Callable<Integer> {

    @ParentCommand
    BenchCommand parent;

    @Option(names = "--images", defaultValue = "64", paramLabel = "N", description = "Images per extractor. Default: ${DEFAULT-VALUE}.")
    int images;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        if (images < 1) {
            ctx.err().println("coverlab bench fid: --images must be >= 1");
            return ExitCodes.BAD_INPUT;
        }
        MetricsBenchmark.run(images, ctx.out()::println);
        return ExitCodes.OK;
    }
}
