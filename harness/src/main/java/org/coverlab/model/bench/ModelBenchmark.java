package org.coverlab.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.nn.ParamStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Throughput and memory of the tiny UNet and text encoder: forward (no gradients) and forward+backward steps per
 * second at batch 1 and 4, with peak RSS and the NDArray bytes one step holds. Later exposed as
 * {@code coverlab bench models}.
 *
 * <p>Usage: {@code ModelBenchmark [--seconds S] [--batches 1,4] [--vocab N]}
 */
public final class ModelBenchmark {

    /** One measured configuration. */
    public record Result(String model, String mode, int batch, int steps, double stepsPerSecond, double peakRssMiB,
                         double stepMiB) {
        String line() {
            return String.format(Locale.ROOT, "%-13s %-16s batch %d  %7.2f steps/s  (%3d steps)  peak RSS %7.1f MiB"
                    + "  step NDArrays %7.1f MiB", model, mode, batch, stepsPerSecond, steps, peakRssMiB, stepMiB);
        }
    }

    private final double seconds;
    private final int vocab;

    public ModelBenchmark(double seconds, int vocab) {
        this.seconds = seconds;
        this.vocab = vocab;
    }

    public static void main(String[] args) {
        double seconds = 10;
        int vocab = 4096;
        int[] batches = {1, 4};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--vocab" -> vocab = Integer.parseInt(args[++i]);
                case "--batches" -> batches = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: ModelBenchmark [--seconds S] "
                            + "[--batches 1,4] [--vocab N]");
                    System.exit(2);
                }
            }
        }
        new ModelBenchmark(seconds, vocab).run(batches).forEach(r -> System.out.println(r.line()));
    }

    public List<Result> run(int[] batches) {
        List<Result> results = new ArrayList<>();
        System.out.printf(Locale.ROOT, "tiny preset, %d-token vocabulary, %s, %d cores, OMP_WAIT_POLICY=%s, "
                        + "load average %s, %.0f s per case%s%n",
                vocab, Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(),
                Runtime.getRuntime().availableProcessors(), System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                MemoryProbe.loadAverage(), seconds,
                MemoryProbe.resetPeak() ? "" : " (peak RSS cannot be reset here: figures are cumulative)");
        try (NDManager root = NDManager.newBaseManager();
             StableDiffusionModels models = TinyPreset.create(root, vocab, 0, 1, 1, 0)) {
            System.out.printf(Locale.ROOT, "parameters: unet %,d  text encoder %,d  vae %,d%n",
                    models.unet().params().parameterCount(), models.textEncoder().params().parameterCount(),
                    models.vae().params().parameterCount());
            int latentH = TinyPreset.RESOLUTION.height() / models.vaeScaleFactor();
            int latentW = TinyPreset.RESOLUTION.width() / models.vaeScaleFactor();
            for (int batch : batches) {
                Function<NDManager, NDArray> unetStep = m -> models.unet().forward(
                        m.randomNormal(new Shape(batch, 4, latentH, latentW)),
                        m.create(new float[batch]).add(500f),
                        m.randomNormal(new Shape(batch, TinyPreset.MAX_TOKENS, TinyPreset.TEXT_WIDTH)));
                Function<NDManager, NDArray> textStep = m -> models.textEncoder().encode(
                        m.randomInteger(0, vocab, new Shape(batch, TinyPreset.MAX_TOKENS), DataType.INT64), 0);
                results.add(measure("unet", false, batch, models.unet().params(), root, unetStep));
                results.add(measure("unet", true, batch, models.unet().params(), root, unetStep));
                results.add(measure("text_encoder", false, batch, models.textEncoder().params(), root, textStep));
                results.add(measure("text_encoder", true, batch, models.textEncoder().params(), root, textStep));
            }
        }
        System.out.println("load average at end: " + MemoryProbe.loadAverage());
        return results;
    }

    private Result measure(String name, boolean backward, int batch, ParamStore params, NDManager root,
                           Function<NDManager, NDArray> step) {
        params.setTrainable(backward);
        try {
            for (int i = 0; i < 2; i++) {
                runOnce(backward, root, step);
            }
            MemoryProbe.resetPeak();
            long start = System.nanoTime();
            int steps = 0;
            long stepBytes = 0;
            while (steps < 3 || System.nanoTime() - start < seconds * 1e9) {
                stepBytes = Math.max(stepBytes, runOnce(backward, root, step));
                steps++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Result(name, backward ? "forward+backward" : "forward", batch, steps, steps / elapsed,
                    MemoryProbe.peakRssMiB(), stepBytes / (1024.0 * 1024.0));
        } finally {
            params.setTrainable(false);
        }
    }

    /** One step in its own sub-manager (freed afterwards); returns the bytes its NDArrays held at the end. */
    private static long runOnce(boolean backward, NDManager root, Function<NDManager, NDArray> step) {
        try (NDManager m = root.newSubManager()) {
            if (!backward) {
                NDArray out = step.apply(m);
                out.sum().getFloat();
                return MemoryProbe.liveBytes(m);
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = step.apply(m);
                NDArray loss = out.square().mean();
                collector.backward(loss);
                long bytes = MemoryProbe.liveBytes(m);
                collector.zeroGradients();
                return bytes;
            }
        }
    }
}
