package org.coverlab.training.pretrain;

import org.coverlab.model.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.Param;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.tokenizer.ClipTokenizer;
import org.coverlab.model.tokenizer.TrainedVocabulary;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.vae.AutoencoderKL;
import org.coverlab.model.vae.DiagonalGaussian;
import org.coverlab.diffusion.SchedulerConfig;
import org.coverlab.diffusion.TorchRandom;
import org.coverlab.spec.Resolution;
import org.coverlab.training.AdamW;
import org.coverlab.training.LatentDiffusionLoss;
import org.coverlab.training.LrSchedule;
import org.coverlab.training.MicroBatches;
import org.coverlab.model.nn.NoGrad;
import org.coverlab.training.TrainedParams;
import org.coverlab.training.Trainer;
import org.coverlab.training.TrainingListener;
import org.coverlab.training.TrainingState;
import org.coverlab.training.UpdateResult;
import org.coverlab.data.Seeds;
import org.coverlab.util.Sha256;

/**
 * Pretrains the tiny base model on generic image-caption pairs ({@link GenericImageSet}: coloured shapes at named
 * positions on patterned backgrounds, no book covers), so that fine-tuning on covers is transfer learning as in the
 * original study. Usable without a run: {@code coverlab model pretrain-tiny} and the resolution of
 * {@code model.base: tiny} both call {@link #build}.
 *
 * <p>It does what SD's three parts went through, in the same order, at a size two CPU cores finish in minutes:
 * <ol>
 *   <li>renders the image set in memory (three of every four pictures a simple one, a single large shape in the
 *       center on a plain background, {@link GenericImageSet#centred}, the fourth a full scene,
 *       {@link GenericImageSet#render}: the simple pictures teach the colour and shape words, the scenes positions,
 *       sizes and patterned backgrounds; with half of each the denoiser had not learnt the shape words within the
 *       budget, README "The tiny base model");
 *   <li>trains the VAE on random crops (L1 reconstruction plus a small KL term), then sets its scaling factor to one
 *       over the spread of its latents (as SD1's 0.18215 was chosen);
 *   <li>aligns the text encoder with the images, as CLIP was before SD used it: every end-of-text position learns to
 *       predict the picture's colour and layout from the caption ({@link #alignText}, {@link #alignmentTarget});
 *   <li>trains the UNet against the frozen text encoder with the denoising loss, a share of captions replaced by the
 *       empty prompt so classifier-free guidance works, min-SNR weighting and a noise offset (see
 *       {@link TinyPretrainConfig#noiseOffset}).
 * </ol>
 * It writes a complete diffusers folder with {@value #RECORD} (config, hashes, losses, timings).
 *
 * <p>Every random draw (images, crops, noise, timesteps, caption dropout) comes from seeded generators, and a
 * scaled-down build is byte-identical when repeated ({@code PretrainedTinyBaseCacheTest}, same thread count), and so
 * were two full builds of algorithm 2 on the 2-core machine (README, "The tiny base model"); still, the cache, not a
 * rebuild, is what makes every run use the same weights.
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
    public static Result build(TinyPretrainConfig c, TrainedVocabulary vocabulary, Path out, Listener listener)
            throws Exception {
        ClipTokenizer tokenizer = vocabulary.tokenizer();
        Resolution res = TinyPreset.RESOLUTION;
        long t0 = System.nanoTime();
        double cpu0 = cpuSeconds();
        GeneratorOptions options = new GeneratorOptions(c.images(), c.seed(), res.width(), res.height(), 1);
        byte[][] pixels = new byte[c.images()][];
        long[][] ids = new long[c.images()][];
        for (int i = 0; i < c.images(); i++) {
            // three simple pictures (one large shape in the center on a plain background) to one full scene
            GenericImageSet.Pair pair = i % 4 != 3 ? GenericImageSet.centred(i, options) : GenericImageSet.render(i, options);
            pixels[i] = rgb(pair.image());
            ids[i] = toLong(tokenizer.encode(pair.caption()).ids());
        }
        long[] empty = toLong(tokenizer.encode("").ids());
        double dataSeconds = (System.nanoTime() - t0) / 1e9;
        Files.createDirectories(out);
        try (NDManager root = NDManager.newBaseManager()) {
            ClipTextModel text = ClipTextModel.create(TinyPreset.textEncoder(tokenizer.vocabSize(), tokenizer.bosId(),
                    tokenizer.eosId(), tokenizer.padId()), root, c.seed());
            UNet2DConditionModel unet = UNet2DConditionModel.create(TinyPreset.unet(), root, c.seed() + 1);
            long t1 = System.nanoTime();
            float vaeLoss;
            float scaling;
            try (AutoencoderKL initial = AutoencoderKL.create(TinyPreset.vae(), root, c.seed() + 2)) {
                vaeLoss = trainVae(c, initial, pixels, root, listener);
                scaling = scalingFactor(initial, pixels, root);
                initial.save(out.resolve("vae"));
            }
            // the measured scaling factor replaces the preset's placeholder; the UNet phase loads the VAE with it
            Path vaeConfig = out.resolve("vae").resolve("config.json");
            ObjectNode json = ConfigJson.read(vaeConfig).json();
            json.put("scaling_factor", scaling);
            Files.writeString(vaeConfig, PythonJson.write(json));
            double vaeSeconds = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            try (StableDiffusionModels models = new StableDiffusionModels(text, unet,
                    AutoencoderKL.load(out.resolve("vae"), root))) {
                float[][][] posterior = encodeAll(models.vae(), pixels, root);
                alignText(c, models, posterior, ids, root, listener);
                float denoiseLoss = trainDenoiser(c, models, posterior, ids, empty, root, listener);
                double unetSeconds = (System.nanoTime() - t2) / 1e9;
                Result result = new Result(vaeLoss, denoiseLoss, scaling, dataSeconds, vaeSeconds, unetSeconds,
                        cpuSeconds() - cpu0);
                write(out, models, vocabulary, c, scaling, result);
                return result;
            }
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

    /** A (B, 3, ch, cw) batch in [-1, 1] of the images idx, cut at (x0[b], y0[b]). */
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

    /**
     * The VAE phase: random crops, encoded, a posterior sample decoded, L1 to the crop plus {@code klWeight} times
     * the KL divergence to N(0, 1) (per element), AdamW with a short warmup and gradient clipping at 1.
     */
    private static float trainVae(TinyPretrainConfig c, AutoencoderKL vae, byte[][] pixels, NDManager root,
                                  Listener listener) throws Exception {
        Resolution res = TinyPreset.RESOLUTION;
        startNearlyDeterministic(vae);
        TrainedParams params = TrainedParams.of(List.of(vae.params()));
        MicroBatches crops = steps(c.vaeSteps(), c.vaeBatch(), (m, index) -> {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(c.seed() * 31 + 1) ^ index);
            int[] idx = new int[c.vaeBatch()];
            int[] x0 = new int[idx.length];
            int[] y0 = new int[idx.length];
            for (int b = 0; b < idx.length; b++) {
                idx[b] = rng.nextInt(pixels.length);
                x0[b] = rng.nextInt(res.width() - c.vaeCrop() + 1);
                y0[b] = rng.nextInt(res.height() - c.vaeCrop() + 1);
            }
            return LatentDiffusionLoss.Batch.ofPixels(null, images(m, pixels, idx, x0, y0, c.vaeCrop(), c.vaeCrop()));
        });
        Trainer.LossFunction loss = (m, batch, seed) -> {
            // encode, sample the posterior with seeded noise, decode, compare
            NDArray x = batch.tensors(m).pixels();
            DiagonalGaussian posterior = vae.encode(x);
            NDArray noise = TorchRandom.randn(m, Math.floorMod(seed, (long) Integer.MAX_VALUE + 1),
                    posterior.mean().getShape());
            NDArray recon = vae.decode(posterior.sample(noise));
            NDArray l1 = recon.sub(x).abs().mean();
            NDArray kl = posterior.mean().square().add(posterior.logvar().exp()).sub(1f).sub(posterior.logvar())
                    .mean();
            return l1.add(Ops.mul(Ops.mul(kl, 0.5f), c.klWeight()));
        };
        try {
            return fit("vae", c.vaeSteps(), c.vaeLr(), c.seed(), params, loss, crops, root, listener);
        } finally {
            vae.params().setTrainable(false);
        }
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

    /**
     * The UNet + text encoder phase: every image's VAE posterior (mean and std) computed once, then the training
     * library's latent-diffusion loss (diffusers' train_text_to_image) on random batches, with a share of captions
     * replaced by the empty prompt.
     */
    private static float trainDenoiser(TinyPretrainConfig c, StableDiffusionModels models, float[][][] posterior,
                                       long[][] ids, long[] empty, NDManager root, Listener listener)
            throws Exception {
        Shape latent = new Shape(models.unet().config().inChannels(),
                TinyPreset.RESOLUTION.height() / models.vaeScaleFactor(),
                TinyPreset.RESOLUTION.width() / models.vaeScaleFactor());
        int per = (int) latent.size();
        int len = empty.length;
        // after the alignment phase the text encoder stays frozen, as SD trained its UNet against a frozen CLIP
        boolean textTrained = c.textSteps() == 0;
        TrainedParams params = TrainedParams.of(textTrained
                ? List.of(models.unet().params(), models.textEncoder().params()) : List.of(models.unet().params()));
        MicroBatches batches = steps(c.unetSteps(), c.unetBatch(), (m, index) -> {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(c.seed() * 31 + 2) ^ index);
            int b = c.unetBatch();
            float[] mean = new float[b * per];
            float[] std = new float[b * per];
            long[] tokens = new long[b * len];
            for (int k = 0; k < b; k++) {
                int i = rng.nextInt(ids.length);
                System.arraycopy(posterior[0][i], 0, mean, k * per, per);
                System.arraycopy(posterior[1][i], 0, std, k * per, per);
                System.arraycopy(rng.nextFloat() < c.captionDropout() ? empty : ids[i], 0, tokens, k * len, len);
            }
            Shape shape = new Shape(b, latent.get(0), latent.get(1), latent.get(2));
            return LatentDiffusionLoss.Batch.ofLatents(m.create(tokens, new Shape(b, len)), m.create(mean, shape),
                    m.create(std, shape));
        });
        LatentDiffusionLoss diffusion = new LatentDiffusionLoss(models, SchedulerConfig.SD15,
                new LatentDiffusionLoss.Options(c.minSnrGamma(), c.noiseOffset(), 0), textTrained);
        try {
            return fit(textTrained ? "unet+text_encoder" : "unet", c.unetSteps(), c.unetLr(), c.seed() + 1, params,
                    (m, batch, seed) -> diffusion.loss(m, batch.tensors(m), seed), batches, root, listener);
        } finally {
            models.unet().params().setTrainable(false);
            models.textEncoder().params().setTrainable(false);
        }
    }

    /**
     * The text-encoder alignment phase. SD's text encoder arrives pretrained on images (CLIP), so its states already
     * say what a caption shows at every position, the padding included; a randomly initialised one does not, and
     * cross-attention then averages 77 nearly identical states in which the two words that matter ("red circle") are
     * a few per cent of the signal: a denoiser trained from there for a few hundred steps ignores the prompt
     * (measured: output change red vs blue 0.05%). So first the text encoder learns to predict each picture from its
     * caption: the state at every end-of-text position, through a linear head that is thrown away afterwards, predicts
     * {@link #alignmentTarget} (MSE, half the weight on the colour, half on the layout).
     */
    private static void alignText(TinyPretrainConfig c, StableDiffusionModels models, float[][][] posterior,
                                  long[][] ids, NDManager root, Listener listener) throws Exception {
        if (c.textSteps() == 0) {
            return;
        }
        int channels = models.vae().config().latentChannels();
        int lh = TinyPreset.RESOLUTION.height() / models.vaeScaleFactor();
        int lw = TinyPreset.RESOLUTION.width() / models.vaeScaleFactor();
        int layout = (lh / 2) * (lw / 2);
        int per = channels + layout;
        float[] weights = new float[per];
        for (int d = 0; d < per; d++) {
            weights[d] = d < channels ? per / (2f * channels) : per / (2f * layout);
        }
        int len = ids[0].length;
        float scale = models.vae().config().scalingFactor();
        ClipTextModel text = models.textEncoder();
        try (ParamStore head = new ParamStore(root)) {
            Linear proj = new Linear(head.root().child("proj"), text.config().hiddenSize(), per, true);
            head.initialize(c.seed() + 3);
            TrainedParams params = TrainedParams.of(List.of(text.params(), head));
            MicroBatches batches = steps(c.textSteps(), c.textBatch(), (m, index) -> {
                SplittableRandom rng = new SplittableRandom(Seeds.mix(c.seed() * 31 + 3) ^ index);
                int b = c.textBatch();
                float[] target = new float[b * per];
                long[] tokens = new long[b * len];
                for (int k = 0; k < b; k++) {
                    int i = rng.nextInt(ids.length);
                    alignmentTarget(posterior[0][i], channels, lh, lw, scale, target, k * per);
                    System.arraycopy(ids[i], 0, tokens, k * len, len);
                }
                // the training library's batch type carries the captions and, in its latent slot, the target
                return LatentDiffusionLoss.Batch.ofLatents(m.create(tokens, new Shape(b, len)),
                        m.create(target, new Shape(b, per)), null);
            });
            int eos = text.config().eosTokenId();
            fit("text_encoder", c.textSteps(), c.textLr(), c.seed() + 3, params,
                    (m, batch, seed) -> {
                        LatentDiffusionLoss.Batch t = batch.tensors(m);
                        // every end-of-text position (the padding too: SD pads with it) predicts the target on its
                        // own, so whichever positions cross-attention looks at carry what the caption says
                        NDArray states = text.encode(t.tokenIds(), 0);
                        NDArray mask = t.tokenIds().eq(eos).toType(DataType.FLOAT32, false);
                        NDArray perPosition = proj.forward(states).sub(t.latentMean().expandDims(1)).square()
                                .mul(m.create(weights)).mean(new int[] {2});
                        return perPosition.mul(mask).sum().div(mask.sum());
                    }, batches, root, listener);
            head.setTrainable(false);
        }
    }

    /**
     * What the alignment phase teaches the text encoder to predict of a picture, from its (unscaled) latent mean
     * {@code z} (channels x lh x lw), written at {@code out[offset..]}: the colour, each channel's spatial mean of the
     * scaled latent (channels values), then the layout, a (lh/2) x (lw/2) map of how far each 2x2-pooled cell is from
     * those means (the norm over channels), standardised to mean 0 and variance 1 per picture.
     *
     * <p>Why not the latent itself (algorithm 2): in a regression on the latent, colour is nearly all of the error,
     * and the shape enters only as a mask times the colour contrast, whose sign flips with the colours. Measured on
     * the tiny base: captions that differ only in "circle"/"square" left the padding states 1.6% apart (colour words:
     * 73%), and the UNet trained on them drew the same shape for both words. The layout map is the same for a red
     * circle on white and a white circle on red, so shape and position are half the loss whatever the colours: the
     * states then differ by about 20% for the shape word as for the colour word.
     */
    static void alignmentTarget(float[] z, int channels, int lh, int lw, float scale, float[] out, int offset) {
        int ph = lh / 2;
        int pw = lw / 2;
        float[] pooled = new float[channels * ph * pw];
        for (int ch = 0; ch < channels; ch++) {
            double sum = 0;
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    int at = ch * lh * lw + 2 * y * lw + 2 * x;
                    float v = (z[at] + z[at + 1] + z[at + lw] + z[at + lw + 1]) * 0.25f * scale;
                    pooled[(ch * ph + y) * pw + x] = v;
                    sum += v;
                }
            }
            out[offset + ch] = (float) (sum / (ph * pw));
        }
        double[] map = new double[ph * pw];
        double mean = 0;
        for (int q = 0; q < map.length; q++) {
            double sq = 0;
            for (int ch = 0; ch < channels; ch++) {
                double d = pooled[ch * ph * pw + q] - out[offset + ch];
                sq += d * d;
            }
            map[q] = Math.sqrt(sq);
            mean += map[q] / map.length;
        }
        double var = 0;
        for (double v : map) {
            var += (v - mean) * (v - mean) / map.length;
        }
        // a plain picture has no layout: all zeros rather than noise blown up to unit variance
        double inv = 1 / Math.sqrt(var + 1e-4);
        for (int q = 0; q < map.length; q++) {
            out[offset + channels + q] = (float) ((map[q] - mean) * inv);
        }
    }

    /** Every image's posterior mean and std (unscaled), [0] and [1], computed once without autograd. */
    private static float[][][] encodeAll(AutoencoderKL vae, byte[][] pixels, NDManager root) {
        float[][][] out = new float[2][pixels.length][];
        for (int start = 0; start < pixels.length; start += 32) {
            int from = start;
            int end = Math.min(pixels.length, start + 32);
            try (NDManager m = root.newSubManager()) {
                DiagonalGaussian p = NoGrad.run(() -> vae.encode(whole(m, pixels, from, end)));
                float[][] both = {p.mean().toFloatArray(), p.std().toFloatArray()};
                int per = both[0].length / (end - start);
                for (int k = 0; k < 2; k++) {
                    for (int i = start; i < end; i++) {
                        out[k][i] = new float[per];
                        System.arraycopy(both[k], (i - start) * per, out[k][i], 0, per);
                    }
                }
            }
        }
        return out;
    }

    /** One phase through the training library's {@link Trainer}: AdamW, warmup then constant LR, clipping at 1. */
    private static float fit(String phase, int steps, float lr, long seed, TrainedParams params,
                             Trainer.LossFunction loss, MicroBatches data, NDManager root, Listener listener)
            throws Exception {
        listener.phase(phase, steps);
        LossTail tail = new LossTail(steps);
        TrainingListener progress = new TrainingListener() {
            @Override
            public void onUpdate(Trainer trainer, TrainingState state, UpdateResult update) {
                tail.add((int) update.step() - 1, (float) update.loss());
                listener.step(phase, (int) update.step(), steps, (float) update.loss());
            }
        };
        Trainer trainer = new Trainer(new Trainer.Settings(1, 1, 1.0, seed), params,
                new AdamW(AdamW.Settings.defaults(WEIGHT_DECAY)),
                new LrSchedule(LrSchedule.Kind.CONSTANT, lr, Math.min(WARMUP, steps / 5), steps), null, loss, root,
                List.of(progress));
        trainer.fit(data, TrainingState.START);
        return tail.mean();
    }

    private static final double WEIGHT_DECAY = 0.01;
    private static final long WARMUP = 100;

    /** Builds micro-batch {@code index} (0-based) deterministically. */
    private interface BatchMaker {
        LatentDiffusionLoss.Batch make(NDManager m, int index);
    }

    /** A single "epoch" of {@code steps} micro-batches, each a pure function of its index (so a position resumes). */
    private static MicroBatches steps(int steps, int batch, BatchMaker maker) {
        return (epoch, position) -> new MicroBatches.Stream() {
            private int next = position;

            @Override
            public MicroBatches.MicroBatch next() {
                if (next >= steps) {
                    return null;
                }
                int index = next++;
                return new MicroBatches.MicroBatch() {
                    @Override
                    public int examples() {
                        return batch;
                    }

                    @Override
                    public int positionAfter() {
                        return index + 1;
                    }

                    @Override
                    public LatentDiffusionLoss.Batch tensors(NDManager manager) {
                        return maker.make(manager, index);
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }

    private static long[] toLong(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    private static void write(Path out, StableDiffusionModels models, TrainedVocabulary vocabulary,
                              TinyPretrainConfig c, float scaling, Result result) {
        try {
            Files.createDirectories(out);
            vocabulary.writeTo(out.resolve("tokenizer"));
            models.save(out);
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

}
