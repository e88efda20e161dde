package org.coverlab.model.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.nn.Param;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Throughput and memory of the tiny UNet and text encoder: forward (no gradients) and forward+backward steps per
 * second at batch 1 and 4, with the process's peak RSS and the NDArray bytes one step holds; run it with
 * {@code coverlab bench models} ({@link org.coverlab.cli.BenchModelsCommand}).
 *
 * <p>Each case runs in its own JVM by default, so its peak RSS is its own (the allocator never hands memory back,
 * so in one process every later case would inherit the earlier peaks); {@code --in-process} runs all in one JVM.
 *
 * <p>{@code --sd15} adds one guided 512x512 step of an SD1.5-sized UNet (about 1 minute and 5 GB on two cores).
 */
public final class ModelBenchmark {
    private static final String RESULT = "RESULT ";

    /** One configuration to measure. */
    public record Case(String model, boolean backward, int batch) {
        String arg() {
            return model + ":" + (backward ? "train" : "infer") + ":" + batch;
        }

        static Case parse(String s) {
            String[] p = s.split(":");
            if (p.length != 3 || !List.of("unet", "text_encoder", "sd15_unet").contains(p[0])
                    || !List.of("train", "infer").contains(p[1])) {
                throw new IllegalArgumentException("case must look like unet:infer:1 or text_encoder:train:4, got " + s);
            }
            return new Case(p[0], p[1].equals("train"), Integer.parseInt(p[2]));
        }
    }

    /** One measured configuration. */
    public record Result(Case c, int steps, double stepsPerSecond, double peakRssMiB, double stepMiB) {
        String line() {
            return String.format(Locale.ROOT, "%-13s %-16s batch %d  %8.3f steps/s  %8.3f s/step  (%4d steps)  "
                            + "peak RSS %7.1f MiB  step NDArrays %6.1f MiB", c.model(),
                    c.backward() ? "forward+backward" : "forward", c.batch(), stepsPerSecond, 1 / stepsPerSecond, steps,
                    peakRssMiB, stepMiB);
        }

        String encode() {
            return RESULT + c.arg() + " " + steps + " " + stepsPerSecond + " " + peakRssMiB + " " + stepMiB;
        }

        static Result decode(String line) {
            String[] p = line.substring(RESULT.length()).trim().split(" ");
            return new Result(Case.parse(p[0]), Integer.parseInt(p[1]), Double.parseDouble(p[2]),
                    Double.parseDouble(p[3]), Double.parseDouble(p[4]));
        }
    }

    private final double seconds;
    private final int vocab;

    public ModelBenchmark(double seconds, int vocab) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("seconds per case must be > 0, got " + seconds);
        }
        if (vocab < 3) {
            throw new IllegalArgumentException("vocabulary size must be >= 3 (bos, eos and one token), got " + vocab);
        }
        this.seconds = seconds;
        this.vocab = vocab;
    }

    /**
     * The child-JVM entry of {@link #measureIsolated}: {@code ModelBenchmark --case unet:infer:1 --seconds S --vocab N}
     * measures that one case and prints its encoded result line. Users run {@code coverlab bench models}.
     */
    public static void main(String[] args) {
        try {
            if (args.length != 6 || !args[0].equals("--case") || !args[2].equals("--seconds") || !args[4].equals("--vocab")) {
                throw new IllegalArgumentException("this is the per-case child process of 'coverlab bench models'; "
                        + "usage: ModelBenchmark --case MODEL:infer|train:BATCH --seconds S --vocab N");
            }
            ModelBenchmark bench = new ModelBenchmark(Double.parseDouble(args[3]), Integer.parseInt(args[5]));
            System.out.println(bench.measureAll(List.of(Case.parse(args[1]))).get(0).encode());
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * The standard cases: forward and forward+backward of the tiny UNet and text encoder at each batch size, plus
     * (with {@code sd15}) one guided 512x512 step of an SD1.5-sized UNet: a batch of 2 (uncond + cond) 64x64 latents.
     */
    public static List<Case> standardCases(List<Integer> batches, boolean sd15) {
        List<Case> cases = new ArrayList<>();
        for (int b : batches) {
            if (b < 1) {
                throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
            }
            for (String model : List.of("unet", "text_encoder")) {
                cases.add(new Case(model, false, b));
                cases.add(new Case(model, true, b));
            }
        }
        if (sd15) {
            cases.add(new Case("sd15_unet", false, 2));
        }
        return cases;
    }

    /**
     * Measures {@code cases}, each in its own JVM unless {@code inProcess}, and prints a header with the machine's
     * state, one line per case and the load average at the end to {@code out}.
     *
     * @throws IllegalStateException if a child JVM fails
     */
    public List<Result> report(List<Case> cases, boolean inProcess, PrintStream out) {
        out.printf(Locale.ROOT, "tiny preset (%d-token vocabulary), %s, %d cores, OMP_WAIT_POLICY=%s, load "
                        + "average %s, %s s per case, %s%n", vocab,
                Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(),
                Runtime.getRuntime().availableProcessors(), System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                MemoryProbe.loadAverage(), BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString(),
                inProcess ? "one JVM (peak RSS cumulative)" : "one JVM per case");
        List<Result> results = new ArrayList<>();
        for (Case c : cases) {
            // print as each case finishes: the SD1.5 case alone takes a minute
            Result r = inProcess ? measureAll(List.of(c)).get(0) : measureIsolated(c);
            out.println(r.line());
            results.add(r);
        }
        out.println("load average at end: " + MemoryProbe.loadAverage());
        return results;
    }

    private Result measureIsolated(Case c) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true"),
                "-cp", System.getProperty("java.class.path"), ModelBenchmark.class.getName(), "--case", c.arg(),
                "--seconds", Double.toString(seconds), "--vocab", Integer.toString(vocab));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Result r = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith(RESULT)) {
                        r = Result.decode(line);
                    }
                }
            }
            if (p.waitFor() != 0 || r == null) {
                throw new IllegalStateException("benchmark case " + c.arg() + " failed (exit " + p.exitValue()
                        + "); run 'java -cp ... " + ModelBenchmark.class.getName() + " --case " + c.arg()
                        + " --seconds 1 --vocab " + vocab + "' to see its output");
            }
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start benchmark case " + c.arg() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public List<Result> measureAll(List<Case> cases) {
        List<Result> results = new ArrayList<>();
        if (cases.stream().anyMatch(c -> c.model().equals("sd15_unet"))) {
            try (NDManager root = NDManager.newBaseManager();
                 UNet2DConditionModel unet = UNet2DConditionModel.create(UNetConfig.sd15(), root, 0)) {
                for (Case c : cases) {
                    int b = c.batch();
                    results.add(measure(c, unet.params(), root, m -> unet.forward(m.randomNormal(new Shape(b, 4, 64, 64)),
                            m.create(new float[b]).add(500f), m.randomNormal(new Shape(b, 77, 768)))));
                }
            }
            return results;
        }
        try (NDManager root = NDManager.newBaseManager();
             StableDiffusionModels models = TinyPreset.create(root, vocab, 0, 1, 1, 0)) {
            int latentH = TinyPreset.RESOLUTION.height() / models.vaeScaleFactor();
            int latentW = TinyPreset.RESOLUTION.width() / models.vaeScaleFactor();
            for (Case c : cases) {
                int batch = c.batch();
                Function<NDManager, NDArray> step = c.model().equals("unet")
                        ? m -> models.unet().forward(m.randomNormal(new Shape(batch, 4, latentH, latentW)),
                        m.create(new float[batch]).add(500f),
                        m.randomNormal(new Shape(batch, TinyPreset.MAX_TOKENS, TinyPreset.TEXT_WIDTH)))
                        : m -> models.textEncoder().encode(
                        m.randomInteger(0, vocab, new Shape(batch, TinyPreset.MAX_TOKENS), DataType.INT64), 0);
                ParamStore params = c.model().equals("unet") ? models.unet().params() : models.textEncoder().params();
                results.add(measure(c, params, root, step));
            }
        }
        return results;
    }

    private Result measure(Case c, ParamStore params, NDManager root, Function<NDManager, NDArray> step) {
        params.setTrainable(c.backward());
        try {
            boolean large = c.model().equals("sd15_unet");
            for (int i = 0; i < (large ? 1 : 2); i++) {
                runOnce(c.backward(), root, params, step);
            }
            long start = System.nanoTime();
            int steps = 0;
            long stepBytes = 0;
            while (steps < (large ? 1 : 3) || System.nanoTime() - start < seconds * 1e9) {
                stepBytes = Math.max(stepBytes, runOnce(c.backward(), root, params, step));
                steps++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Result(c, steps, steps / elapsed, MemoryProbe.peakRssMiB(), stepBytes / (1024.0 * 1024.0));
        } finally {
            params.setTrainable(false);
        }
    }

    /** One step in its own sub-manager (freed afterwards); returns the bytes its NDArrays held at the end. */
    private static long runOnce(boolean backward, NDManager root, ParamStore params,
                                Function<NDManager, NDArray> step) {
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
                // not collector.zeroGradients(): that walks every array under the system manager and leaves two
                // new gradient handles per parameter behind each step (thousands after a few steps)
                for (Param p : params.params()) {
                    JniUtils.zeroGrad((PtNDArray) p.value());
                }
                return bytes;
            }
        }
    }
}
