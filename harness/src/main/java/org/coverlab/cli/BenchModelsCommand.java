package org.coverlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.bench.ModelBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab bench models}: steps per second and memory of the tiny UNet and text encoder. */
@Command(name = "models",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Measure steps per second and memory of the tiny preset's UNet and text encoder.",
                "Forward and forward+backward at each batch size, with the process's peak RSS and the "
                        + "NDArray memory one step holds. Each case runs in its own JVM so its peak RSS is its own "
                        + "(the allocator never gives memory back); --in-process runs them all in this one."},
        footer = {"", "Examples:",
                "  coverlab bench models           # 10 s per case, batches 1 and 4",
                "  coverlab bench models --seconds 3 --batches 1 --sd15",
                "", ExitCodes.HELP_SECTION})
public final class BenchModelsCommand implements Callable<Integer> {

    @ParentCommand
    BenchCommand parent;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "S",
            description = "Measuring time per case, after warm-up (at least 3 steps are timed). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--batches", split = ",", paramLabel = "N", description = "Comma-separated batch sizes. Default: 1,4.")
    List<Integer> batches = new ArrayList<>(List.of(1, 4));

    @Option(names = "--vocab", paramLabel = "N",
            description = "Text encoder vocabulary size. Default: " + TinyPreset.VOCAB_SIZE + ", the largest the tiny "
                    + "preset trains (an upper bound: the embedded default learns 1693 tokens from its corpus).")
    int vocab = TinyPreset.VOCAB_SIZE;

    @Option(names = "--in-process", description = "Run every case in this JVM (faster to start; peak RSS is cumulative).")
    boolean inProcess;

    @Option(names = "--sd15", description = "Also time one guided 512x512 step of an SD1.5-sized UNet (about 1 minute and 5 GB on two cores).")
    boolean sd15;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        ModelBenchmark bench;
        List<ModelBenchmark.Case> cases;
        try {
            bench = new ModelBenchmark(seconds, vocab);
            cases = ModelBenchmark.standardCases(batches, sd15);
        } catch (IllegalArgumentException e) {
            ctx.err().println("coverlab bench models: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        try {
            bench.report(cases, inProcess, ctx.out());
            return ExitCodes.OK;
        } catch (IllegalStateException e) {
            ctx.err().println("coverlab bench models: " + e.getMessage());
            return ExitCodes.RUN_FAILED;
        }
    }
}
