package org.coverlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.coverlab.data.DataException;
import org.coverlab.data.PipelineBenchmark;
import org.coverlab.spec.Resolution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab bench data DATASET}: examples per second of the training data stream. */
@Command(name = "data",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Measure examples per second of the training data stream on a dataset folder.",
                "The folder is in the Goodreads layout (book_data.csv + images/images/); one epoch goes "
                        + "through decode, resize, caption and prefetch, with the default cleaning and captions."},
        footer = {"", "Examples:",
                "  coverlab make-dataset synthetic --count 10000 --out /tmp/syn10k",
                "  coverlab bench data /tmp/syn10k --width 64 --height 96",
                "", ExitCodes.HELP_SECTION})
public final class BenchDataCommand implements Callable<Integer> {

    @ParentCommand
    BenchCommand parent;

    @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset folder (the Kaggle Goodreads layout, or one from 'coverlab make-dataset synthetic').")
    Path dataset;

    @Option(names = "--width", defaultValue = "64", paramLabel = "PX", description = "Training image width. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--height", defaultValue = "96", paramLabel = "PX", description = "Training image height. Default: ${DEFAULT-VALUE}.")
    int height;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Decode threads, 0 = the pipeline's default. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        if (width < 8 || height < 8 || width > 2048 || height > 2048) {
            return fail(ctx, "--width and --height must be between 8 and 2048 pixels, got " + width + "x" + height);
        }
        if (threads < 0) {
            return fail(ctx, "--threads must be >= 0, got " + threads);
        }
        Path dir = ctx.cwd().resolve(dataset).normalize();
        if (!Files.isDirectory(dir)) {
            return fail(ctx, dataset + ": no such dataset folder");
        }
        try {
            PipelineBenchmark.Result result = PipelineBenchmark.measure(dir, new Resolution(width, height), threads);
            ctx.out().println(result.line());
            result.skipLines().forEach(ctx.out()::println);
            return ExitCodes.OK;
        } catch (DataException e) {
            return fail(ctx, e.getMessage());
        }
    }

    private static int fail(CliContext ctx, String message) {
        ctx.err().println("coverlab bench data: " + message);
        return ExitCodes.BAD_INPUT;
    }
}
