package org.coverlab.training.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.GenericImageSet;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.ModelIndex;
import org.coverlab.model.PythonJson;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.nn.Param;
import org.coverlab.model.tokenizer.ClipTokenizer;
import org.coverlab.model.tokenizer.TrainedVocabulary;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.vae.AutoencoderKL;
import org.coverlab.model.vae.DiagonalGaussian;
import org.coverlab.diffusion.NoiseSchedule;
import org.coverlab.diffusion.SchedulerConfig;
import org.coverlab.diffusion.TorchRandom;
import org.coverlab.spec.Resolution;
import org.coverlab.util.Sha256;

/**
 * Pretrains the tiny base model on generic image-caption pairs ({@link GenericImageSet}: coloured shapes at named
 * positions on patterned backgrounds, no book covers), so that fine-tuning on covers is transfer learning as in the
 * original study. Usable without a run: {@code coverlab model pretrain-tiny} and the resolution of
 * {@code model.base: tiny} both call {@link #build}.
 *
 * <p>First it renders the image set in memory and trains the tiny VAE on random crops with an L1 reconstruction
 * loss plus a small KL term; then it measures the latents' spread and sets the VAE's scaling factor to one over
 * it (as SD1's 0.18215 was chosen); finally it encodes every image once and trains the UNet and the text encoder
 * together with the denoising loss, replacing a share of captions with the empty prompt so classifier-free guidance
 * works. It writes a complete diffusers folder with {@value #RECORD} (config, hashes, losses, timings).
 *
 * <p>Deterministic from the config's seed for a given thread count: every random draw (images, crops, noise,
 * timesteps, caption dropout) comes from seeded generators.
 */
public final class TinyPretraining {

    /** Provenance file written into the model folder. */
    public static final String RECORD = "pretrain.json";

    private static final int CHANNELS = 3;

    /** Progress of a build, for logs and progress bars. */
    public interface Listener {
        void phase(String name, int steps);

        void step(String phase, int step, int steps, float loss);

        Listener NONE = new Listener() {
            @Override
            public void phase(String name, int steps) {
            }

            @Override
            public void step(String phase, int step, int steps, float loss) {
            }
        };
    }

    /** What a build measured: final losses (mean of the last tenth of steps), the scaling factor and phase times. */
    public record Result(float vaeLoss, float denoiseLoss, float scalingFactor, double dataSeconds, double vaeSeconds,
                         double unetSeconds, double cpuSeconds) {
        public double totalSeconds() {
            return dataSeconds + vaeSeconds + unetSeconds;
        }
    }

    private TinyPretraining() {
    }

    /**
     * The hash that names a cached build: the config, the three networks' architecture configs and the vocabulary.
     * Anything that changes the weights changes it.
     */
    public static String cacheKey(TinyPretrainConfig config, TrainedVocabulary vocabulary) {
        ClipTokenizer tok = vocabulary.tokenizer();
        StringBuilder s = new StringBuilder(config.sha256()).append('\n')
                .append(TinyPreset.vae().json()).append('\n')
                .append(TinyPreset.unet().json()).append('\n')
                .append(TinyPreset.textEncoder(tok.vocabSize(), tok.bosId(), tok.eosId(), tok.padId()).json()).append('\n')
                .append(vocabulary.vocabulary().vocab()).append('\n')
                .append(vocabulary.vocabulary().merges());
        return Sha256.ofText(s.toString());
    }

    /** Trains and writes the complete diffusers folder into {@code out} (created; must not hold a model yet). */
    public static Result build(TinyPretrainConfig c, TrainedVocabulary vocabulary, Path out, Listener listener) {
        ClipTokenizer tokenizer = vocabulary.tokenizer();
        Resolution res = TinyPreset.RESOLUTION;
        long t0 = System.nanoTime();
        double cpu0 = cpuSeconds();
        GeneratorOptions options = new GeneratorOptions(c.images(), c.seed(), res.width(), res.height(), 1);
        byte[][] pixels = new byte[c.images()][];
        List<String> captions = new ArrayList<>(c.images());
        for (int i = 0; i < c.images(); i++) {
            GenericImageSet.Pair pair = GenericImageSet.render(i, options);
            pixels[i] = rgb(pair.image());
            captions.add(pair.caption());
        }
        double dataSeconds = (System.nanoTime() - t0) / 1e9;
        try (NDManager root = NDManager.newBaseManager();
             StableDiffusionModels models = TinyPreset.create(root, tokenizer.vocabSize(), tokenizer.bosId(),
                     tokenizer.eosId(), tokenizer.padId(), c.seed())) {
            long t1 = System.nanoTime();
            float vaeLoss = trainVae(c, models.vae(), pixels, root, listener);
            float scaling = scalingFactor(models.vae(), pixels, root);
            double vaeSeconds = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            float[][] latents = encodeAll(models.vae(), pixels, scaling, root);
            float denoiseLoss = trainDenoiser(c, models.unet(), models.textEncoder(), tokenizer, latents, captions, root,
                    listener);
            double unetSeconds = (System.nanoTime() - t2) / 1e9;
            Result result = new Result(vaeLoss, denoiseLoss, scaling, dataSeconds, vaeSeconds, unetSeconds,
                    cpuSeconds() - cpu0);
            write(out, models, vocabulary, c, scaling, result);
            return result;
        }
    }

    /**
     * CPU time of the whole process (all threads, native ones included). On a shared machine wall time says little;
     * CPU time divided by the core count is what the build takes on an idle machine at best.
     */
    public static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** 8-bit RGB, row-major HWC, as the generator drew it. */
    private static byte[] rgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * CHANNELS];
        int k = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                out[k++] = (byte) (p >> 16);
                out[k++] = (byte) (p >> 8);
                out[k++] = (byte) p;
            }
        }
        return out;
    }

    /** A (B, 3, size, size) batch in [-1, 1]: crops at (x0[b], y0[b]), or whole images when size is null. */
    private static NDArray images(NDManager m, byte[][] pixels, int[] idx, int[] x0, int[] y0, int cw, int ch) {
        Resolution res = TinyPreset.RESOLUTION;
        int w = res.width();
        float[] data = new float[idx.length * CHANNELS * ch * cw];
        int plane = ch * cw;
        for (int b = 0; b < idx.length; b++) {
            byte[] px = pixels[idx[b]];
            int base = b * CHANNELS * plane;
            for (int y = 0; y < ch; y++) {
                for (int x = 0; x < cw; x++) {
                    int src = ((y + y0[b]) * w + x + x0[b]) * CHANNELS;
                    for (int k = 0; k < CHANNELS; k++) {
                        data[base + k * plane + y * cw + x] = (px[src + k] & 0xff) / 127.5f - 1f;
                    }
                }
            }
        }
        return m.create(data, new Shape(idx.length, CHANNELS, ch, cw));
    }

    private static float trainVae(TinyPretrainConfig c, AutoencoderKL vae, byte[][] pixels, NDManager root,
                                  Listener listener) {
        Resolution res = TinyPreset.RESOLUTION;
        SplittableRandom rng = new SplittableRandom(c.seed() * 31 + 1);
        AdamW opt = new AdamW(c.vaeLr(), 0.01f);
        startNearlyDeterministic(vae);
        vae.params().setTrainable(true);
        listener.phase("vae", c.vaeSteps());
        LossTail tail = new LossTail(c.vaeSteps());
        try {
            for (int step = 0; step < c.vaeSteps(); step++) {
                int[] idx = new int[c.vaeBatch()];
                int[] x0 = new int[idx.length];
                int[] y0 = new int[idx.length];
                for (int b = 0; b < idx.length; b++) {
                    idx[b] = rng.nextInt(pixels.length);
                    x0[b] = rng.nextInt(res.width() - c.vaeCrop() + 1);
                    y0[b] = rng.nextInt(res.height() - c.vaeCrop() + 1);
                }
                float loss;
                try (NDManager m = root.newSubManager();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    // encode crops, sample the posterior with seeded noise, decode, compare
                    NDArray x = images(m, pixels, idx, x0, y0, c.vaeCrop(), c.vaeCrop());
                    DiagonalGaussian posterior = vae.encode(x);
                    NDArray noise = TorchRandom.randn(m, seed(c.seed(), 1, step), posterior.mean().getShape());
                    NDArray recon = vae.decode(posterior.sample(noise));
                    NDArray l1 = recon.sub(x).abs().mean();
                    NDArray var = posterior.logvar().exp();
                    NDArray kl = posterior.mean().square().add(var).sub(1f).sub(posterior.logvar()).mean().mul(0.5f);
                    NDArray total = l1.add(kl.mul(c.klWeight()));
                    gc.backward(total);
                    loss = total.getFloat();
                    opt.step(List.copyOf(vae.params().params()), m);
                    gc.zeroGradients();
                }
                tail.add(step, loss);
                listener.step("vae", step + 1, c.vaeSteps(), loss);
            }
        } finally {
            vae.params().setTrainable(false);
        }
        return tail.mean();
    }

    /**
     * Starts the posterior's log-variance at {@value #INITIAL_LOGVAR} (std 0.02) instead of 0. A trained SD VAE's
     * posterior is nearly deterministic; from std 1, Adam moves the log-variance by about the learning rate per step,
     * so a few hundred steps would leave the decoder reading mostly noise and learning nothing.
     */
    private static void startNearlyDeterministic(AutoencoderKL vae) {
        Param bias = vae.params().get("quant_conv.bias");
        float[] b = bias.value().toFloatArray();
        for (int k = b.length / 2; k < b.length; k++) {
            b[k] = INITIAL_LOGVAR;
        }
        try (NDArray v = bias.value().getManager().create(b, bias.value().getShape())) {
            bias.value().set(new ai.djl.ndarray.index.NDIndex(":"), v);
        }
    }

    private static final float INITIAL_LOGVAR = -8f;

    /** 1 / std of the latent means over up to 256 whole images (SD1 chose 0.18215 the same way). */
    private static float scalingFactor(AutoencoderKL vae, byte[][] pixels, NDManager root) {
        int n = Math.min(256, pixels.length);
        double sum = 0;
        double sq = 0;
        long count = 0;
        for (int start = 0; start < n; start += 32) {
            int end = Math.min(n, start + 32);
            try (NDManager m = root.newSubManager()) {
                float[] z = vae.encode(whole(m, pixels, start, end)).mean().toFloatArray();
                for (float v : z) {
                    sum += v;
                    sq += (double) v * v;
                }
                count += z.length;
            }
        }
        double mean = sum / count;
        double std = Math.sqrt(Math.max(1e-12, sq / count - mean * mean));
        return (float) (1.0 / std);
    }

    private static NDArray whole(NDManager m, byte[][] pixels, int start, int end) {
        Resolution res = TinyPreset.RESOLUTION;
        int[] idx = new int[end - start];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = start + i;
        }
        return images(m, pixels, idx, new int[idx.length], new int[idx.length], res.width(), res.height());
    }

    /** Every image's posterior mean times the scaling factor: what the UNet is trained on. */
    private static float[][] encodeAll(AutoencoderKL vae, byte[][] pixels, float scaling, NDManager root) {
        float[][] out = new float[pixels.length][];
        for (int start = 0; start < pixels.length; start += 32) {
            int end = Math.min(pixels.length, start + 32);
            try (NDManager m = root.newSubManager()) {
                float[] z = vae.encode(whole(m, pixels, start, end)).mean().mul(scaling).toFloatArray();
                int per = z.length / (end - start);
                for (int i = start; i < end; i++) {
                    out[i] = new float[per];
                    System.arraycopy(z, (i - start) * per, out[i], 0, per);
                }
            }
        }
        return out;
    }

    private static float trainDenoiser(TinyPretrainConfig c, UNet2DConditionModel unet, ClipTextModel text,
                                       ClipTokenizer tokenizer, float[][] latents, List<String> captions,
                                       NDManager root, Listener listener) {
        NoiseSchedule schedule = NoiseSchedule.of(SchedulerConfig.SD15);
        Resolution res = TinyPreset.RESOLUTION;
        int factor = res.height() / unet.config().sampleSize();
        Shape latentShape = new Shape(4, res.height() / factor, res.width() / factor);
        int per = (int) latentShape.size();
        long[][] ids = new long[captions.size()][];
        for (int i = 0; i < captions.size(); i++) {
            ids[i] = toLong(tokenizer.encode(captions.get(i)).ids());
        }
        long[] empty = toLong(tokenizer.encode("").ids());
        int len = empty.length;
        SplittableRandom rng = new SplittableRandom(c.seed() * 31 + 2);
        AdamW opt = new AdamW(c.unetLr(), 0.01f);
        List<Param> params = new ArrayList<>(unet.params().params());
        params.addAll(text.params().params());
        unet.params().setTrainable(true);
        text.params().setTrainable(true);
        listener.phase("unet+text_encoder", c.unetSteps());
        LossTail tail = new LossTail(c.unetSteps());
        try {
            for (int step = 0; step < c.unetSteps(); step++) {
                int b = c.unetBatch();
                float[] x0 = new float[b * per];
                long[] tokens = new long[b * len];
                float[] t = new float[b];
                float[] signal = new float[b];
                float[] noiseScale = new float[b];
                for (int k = 0; k < b; k++) {
                    int i = rng.nextInt(latents.length);
                    System.arraycopy(latents[i], 0, x0, k * per, per);
                    System.arraycopy(rng.nextFloat() < c.captionDropout() ? empty : ids[i], 0, tokens, k * len, len);
                    int ti = rng.nextInt(schedule.size());
                    t[k] = ti;
                    signal[k] = (float) Math.sqrt(schedule.alphaCumprod(ti));
                    noiseScale[k] = (float) Math.sqrt(1 - schedule.alphaCumprod(ti));
                }
                float loss;
                try (NDManager m = root.newSubManager();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    Shape batchShape = new Shape(b, latentShape.get(0), latentShape.get(1), latentShape.get(2));
                    NDArray clean = m.create(x0, batchShape);
                    NDArray noise = TorchRandom.randn(m, seed(c.seed(), 2, step), batchShape);
                    // forward diffusion: x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
                    NDArray noisy = clean.mul(m.create(signal, new Shape(b, 1, 1, 1)))
                            .add(noise.mul(m.create(noiseScale, new Shape(b, 1, 1, 1))));
                    NDArray context = text.encode(m.create(tokens, new Shape(b, len)), 0);
                    NDArray predicted = unet.forward(noisy, m.create(t), context);
                    NDArray mse = predicted.sub(noise).square().mean();
                    gc.backward(mse);
                    loss = mse.getFloat();
                    opt.step(params, m);
                    gc.zeroGradients();
                }
                tail.add(step, loss);
                listener.step("unet+text_encoder", step + 1, c.unetSteps(), loss);
            }
        } finally {
            unet.params().setTrainable(false);
            text.params().setTrainable(false);
        }
        return tail.mean();
    }

    private static long[] toLong(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    /** A torch seed (0..2^31-1) for draw {@code step} of stream {@code stream}. */
    private static long seed(long seed, int stream, int step) {
        return Math.floorMod(seed * 1_000_003L + stream * 7_919L + step * 104_729L, (long) Integer.MAX_VALUE + 1);
    }

    private static void write(Path out, StableDiffusionModels models, TrainedVocabulary vocabulary,
                              TinyPretrainConfig c, float scaling, Result result) {
        try {
            Files.createDirectories(out);
            vocabulary.writeTo(out.resolve("tokenizer"));
            models.save(out);
            // the trained scaling factor replaces the preset's placeholder in vae/config.json
            Path vaeConfig = out.resolve("vae").resolve("config.json");
            ObjectNode json = ConfigJson.read(vaeConfig).json();
            json.put("scaling_factor", scaling);
            Files.writeString(vaeConfig, PythonJson.write(json));
            TinyPreset.writeScheduler(out);
            if (!Files.exists(out.resolve("model_index.json"))) {
                Files.writeString(out.resolve("model_index.json"), PythonJson.write(ModelIndex.standard()));
            }
            ObjectNode record = ConfigJson.MAPPER.createObjectNode();
            record.put("cache_key", cacheKey(c, vocabulary));
            record.put("config_sha256", c.sha256());
            ObjectNode cfg = record.putObject("config");
            for (Map.Entry<String, Object> e : c.asMap().entrySet()) {
                cfg.putPOJO(e.getKey(), e.getValue());
            }
            record.put("scaling_factor", scaling);
            record.put("final_vae_loss", result.vaeLoss());
            record.put("final_denoise_loss", result.denoiseLoss());
            record.put("data_seconds", result.dataSeconds());
            record.put("vae_seconds", result.vaeSeconds());
            record.put("unet_seconds", result.unetSeconds());
            record.put("cpu_seconds", result.cpuSeconds());
            record.put("cores", Runtime.getRuntime().availableProcessors());
            Files.writeString(out.resolve(RECORD), ConfigJson.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(record) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pretrained tiny model to " + out, e);
        }
    }

    /** Mean loss over the last tenth of the steps (at least one): less noisy than the last step alone. */
    private static final class LossTail {
        private final int from;
        private double sum;
        private int n;

        LossTail(int steps) {
            this.from = steps - Math.max(1, steps / 10);
        }

        void add(int step, float loss) {
            if (step >= from) {
                sum += loss;
                n++;
            }
        }

        float mean() {
            return n == 0 ? Float.NaN : (float) (sum / n);
        }
    }

    /** Placeholder until the training library's AdamW lands: torch's AdamW on Java copies of each tensor. */
    private static final class AdamW {
        private final float lr;
        private final float wd;
        private final java.util.Map<Integer, float[][]> state = new java.util.HashMap<>();
        private long t;

        AdamW(float lr, float wd) {
            this.lr = lr;
            this.wd = wd;
        }

        void step(List<Param> params, NDManager m) {
            t++;
            double b1 = 1 - Math.pow(0.9, t);
            double b2 = Math.sqrt(1 - Math.pow(0.999, t));
            for (int i = 0; i < params.size(); i++) {
                NDArray v = params.get(i).value();
                float[] p = v.toFloatArray();
                float[] g;
                try (NDArray grad = v.getGradient()) {
                    g = grad.toFloatArray();
                }
                float[][] s = state.computeIfAbsent(i, k -> new float[][] {new float[p.length], new float[p.length]});
                for (int k = 0; k < p.length; k++) {
                    s[0][k] = 0.9f * s[0][k] + 0.1f * g[k];
                    s[1][k] = 0.999f * s[1][k] + 0.001f * g[k] * g[k];
                    p[k] = p[k] * (1 - lr * wd) - (float) (lr / b1) * s[0][k] / ((float) (Math.sqrt(s[1][k]) / b2) + 1e-8f);
                }
                boolean was = ai.djl.pytorch.jni.JniUtils.isGradMode();
                ai.djl.pytorch.jni.JniUtils.setGradMode(false);
                try (NDArray src = v.getManager().create(p, v.getShape())) {
                    v.set(new ai.djl.ndarray.index.NDIndex(":"), src);
                } finally {
                    ai.djl.pytorch.jni.JniUtils.setGradMode(was);
                }
            }
        }
    }
}
