package org.coverlab.cli;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.model.pipeline.GenerateGrid;
import org.coverlab.model.pipeline.GenerationRequest;
import org.coverlab.run.RunStore;
import org.coverlab.stages.ModelSource;
import org.coverlab.util.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab generate}: a prompt-by-seed image grid from a diffusers folder. */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Generate a prompt-by-seed image grid (one PNG) from a Stable Diffusion diffusers folder.",
                "Rows are prompts, columns are seeds. The folder holds model_index.json, text_encoder/, "
                        + "unet/, vae/, tokenizer/ and scheduler/ (SD 1.x/2.x). Same seed, prompt and settings: the "
                        + "same image."},
        footer = {"", "Examples:",
                "  coverlab generate --model tiny --out g.png --prompt 'a fantasy cover' \\",
                "      --seeds 1,2,3",
                "  coverlab generate --model sd15 --out g.png --prompt 'a cat' --prompt 'a dog' \\",
                "      --width 512 --height 512 --steps 30 --scheduler euler",
                "", ExitCodes.HELP_SECTION})
public final class GenerateCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Diffusers folder of a Stable Diffusion 1.x/2.x model, or 'tiny' for the embedded default.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "Grid image to write (folders are created).")
    Path out;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "A prompt (one grid row); repeatable.")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--seeds", split = ",", paramLabel = "SEED", defaultValue = "42",
            description = "Comma-separated seeds (one grid column each). Default: ${DEFAULT-VALUE}.")
    List<Long> seeds = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "20", paramLabel = "N", description = "Denoising steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", paramLabel = "SCALE",
            description = "Classifier-free guidance scale (1 = no guidance). Default: ${DEFAULT-VALUE}.")
    float guidance;

    @Option(names = "--scheduler", defaultValue = "ddim", paramLabel = "NAME", converter = SchedulerConverter.class,
            description = "ddim, pndm, euler or ddpm (the folder's noise schedule is kept). Default: ${DEFAULT-VALUE}.")
    SchedulerKind scheduler;

    @Option(names = "--width", defaultValue = "64", paramLabel = "PX", description = "Image width. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--height", defaultValue = "96", paramLabel = "PX", description = "Image height. Default: ${DEFAULT-VALUE}.")
    int height;

    @Option(names = "--clip-skip", defaultValue = "0", paramLabel = "N",
            description = "Skip the last N text encoder layers (0 = use the final layer). Default: ${DEFAULT-VALUE}.")
    int clipSkip;

    @Option(names = "--batch", defaultValue = "4", paramLabel = "N",
            description = "Images per UNet call (doubled internally for guidance). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Override
    public Integer call() throws java.io.IOException {
        CliContext ctx = root.context();
        Path modelDir = ctx.cwd().resolve(model);
        Path outFile = ctx.cwd().resolve(out);
        if (model.toString().equals("tiny") && !Files.isDirectory(modelDir)) {
            // 'tiny' means what it means in a spec: the embedded default (or COVERLAB_TINY_MODEL), kept in the runs
            // directory's shared model cache.
            modelDir = ModelSource.tinyFolder(RunStore.resolveRoot(null, ctx.env(), ctx.cwd()), ctx.settings().tinyModel(),
                    line -> ctx.err().println("coverlab generate: " + line));
        }
        try {
            GenerationRequest request = new GenerationRequest(prompts, seeds, steps, guidance, scheduler, width, height,
                    clipSkip, batch);
            long start = System.nanoTime();
            int images = prompts.size() * seeds.size();
            int batches = (images + request.batchSize() - 1) / request.batchSize();
            long total = (long) steps * batches;
            GenerateGrid.write(modelDir, request, outFile, new StepLines(ctx, total, ctx.settings().progressInterval(),
                    String.format(Locale.ROOT, "%d image(s) in %d UNet batch(es) x %d steps", images, batches, steps)));
            ctx.out().printf(Locale.ROOT, "wrote %s: %s x %s, %dx%d, %d %s steps, guidance %.1f, %.1f s%n",
                    out, count(prompts.size(), "prompt"), count(seeds.size(), "seed"), width, height, steps,
                    scheduler.key(), guidance,
                    (System.nanoTime() - start) / 1e9);
            return ExitCodes.OK;
        } catch (BadInputException | IllegalArgumentException | UncheckedIOException e) {
            ctx.err().println("coverlab generate: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }

    /**
     * Progress as plain lines on stderr (no terminal codes, so the same in a pipe): the denoising step reached, its
     * rate and the time left, every progress interval (COVERLAB_PROGRESS_SECONDS) and at the last step.
     */
    static final class StepLines implements Runnable {
        private final CliContext ctx;
        private final long total;
        private final long intervalNanos;
        private final String plan;
        private long start;
        private long lastLine;
        private long step;

        StepLines(CliContext ctx, long total, java.time.Duration interval, String plan) {
            this.ctx = ctx;
            this.total = total;
            this.intervalNanos = interval.toNanos();
            this.plan = plan;
        }

        /** Runs before each denoising step, so step - 1 steps are done. */
        @Override
        public void run() {
            long now = System.nanoTime();
            step++;
            if (step == 1) {
                start = now;
                lastLine = now;
                ctx.err().println("coverlab generate: " + plan); // the model has loaded; sampling starts
                return;
            }
            if (now - lastLine >= intervalNanos || step == total) {
                double rate = (step - 1) / Math.max((now - start) / 1e9, 1e-9);
                ctx.err().printf(Locale.ROOT, "coverlab generate: denoising step %d/%d, %.2f steps/s, about %.0f s left%n",
                        step, total, rate, (total - step + 1) / rate);
                lastLine = now;
            }
        }
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Scheduler names as in specs ({@code sample.scheduler}), case-insensitive. */
    static final class SchedulerConverter implements CommandLine.ITypeConverter<SchedulerKind> {
        @Override
        public SchedulerKind convert(String value) {
            return SchedulerKind.fromKey(value).orElseThrow(() -> new CommandLine.TypeConversionException("unknown scheduler '" + value + "' (use ddim, pndm, euler or ddpm)"));
        }
    }
}
