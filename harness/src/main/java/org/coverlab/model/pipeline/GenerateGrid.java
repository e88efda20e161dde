package org.coverlab.model.pipeline;

import ai.djl.ndarray.NDManager;
import org.coverlab.model.ModelConfigException;
import org.coverlab.spec.SampleSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Command-line grid generation from a diffusers folder (later exposed by the CLI):
 * {@code GenerateGrid --model DIR --out grid.png --prompt TEXT [--prompt TEXT...] --seeds 1,2 [--steps 20]
 * [--guidance 7.5] [--scheduler ddim] [--width 64 --height 96] [--clip-skip 0] [--batch 4]}
 */
public final class GenerateGrid {
    private GenerateGrid() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException | ModelConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    static void run(String[] args) {
        Path model = null;
        Path out = null;
        List<String> prompts = new ArrayList<>();
        List<Long> seeds = List.of(42L);
        int steps = 20;
        float guidance = 7.5f;
        SampleSpec.Scheduler scheduler = SampleSpec.Scheduler.DDIM;
        int width = 64;
        int height = 96;
        int clipSkip = 0;
        int batch = 4;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--model" -> model = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--prompt" -> prompts.add(v);
                case "--seeds" -> seeds = Arrays.stream(v.split(",")).map(String::trim).map(Long::parseLong).toList();
                case "--steps" -> steps = Integer.parseInt(v);
                case "--guidance" -> guidance = Float.parseFloat(v);
                case "--scheduler" -> scheduler = parseScheduler(v);
                case "--width" -> width = Integer.parseInt(v);
                case "--height" -> height = Integer.parseInt(v);
                case "--clip-skip" -> clipSkip = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (model == null || out == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("--model, --out and at least one --prompt are required");
        }
        GenerationRequest request = new GenerationRequest(prompts, seeds, steps, guidance, scheduler, width, height,
                clipSkip, batch);
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
             TextToImagePipeline pipeline = TextToImagePipeline.load(model, manager)) {
            List<GeneratedImage> images = pipeline.generate(request);
            ImageGrid.writePng(out, images, prompts.size(), seeds.size());
        }
        System.out.printf(Locale.ROOT, "wrote %s: %d prompts x %d seeds, %dx%d, %d %s steps, guidance %.1f, %.1f s%n",
                out, prompts.size(), seeds.size(), width, height, steps, scheduler.key(), guidance,
                (System.nanoTime() - start) / 1e9);
    }

    private static SampleSpec.Scheduler parseScheduler(String v) {
        for (SampleSpec.Scheduler s : SampleSpec.Scheduler.values()) {
            if (s.key().equals(v.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scheduler '" + v + "' (use ddim, pndm, euler or ddpm)");
    }
}
