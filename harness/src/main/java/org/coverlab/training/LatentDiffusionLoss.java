package org.coverlab.training;

import org.coverlab.model.nn.NoGrad;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.coverlab.data.Seeds;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.diffusion.NoiseSchedule;
import org.coverlab.diffusion.PredictionType;
import org.coverlab.diffusion.SchedulerConfig;
import org.coverlab.diffusion.TorchRandom;

import java.util.SplittableRandom;

/**
 * The latent-diffusion training loss of diffusers' {@code train_text_to_image.py}: encode the images to latents,
 * noise them at random timesteps, let the UNet predict the noise (or the velocity) from the noisy latents and the
 * caption, and take the mean squared error. Every random draw of a micro-batch comes from its own seed, so the loss
 * of a micro-batch is a pure function of (weights, batch, seed): a resumed run draws exactly what the first did.
 *
 * <p>Gradients reach only the components that are trained: the VAE always runs without autograd, the text encoder
 * too unless it is trained; when it is, the gradient flows back through the (frozen) UNet into it.
 */
public final class LatentDiffusionLoss {

    /**
     * @param minSnrGamma       min-SNR-gamma loss weighting (Hang et al. 2023), 0 = plain MSE
     * @param noiseOffset       scale of a per-(example, channel) constant added to the noise, 0 = off
     * @param inputPerturbation scale of extra noise added to the noise the model sees (not to the target), 0 = off
     */
    public record Options(double minSnrGamma, double noiseOffset, double inputPerturbation) {
        public static final Options NONE = new Options(0, 0, 0);

        public Options {
            if (!(minSnrGamma >= 0) || !(noiseOffset >= 0) || !(inputPerturbation >= 0)) {
                throw new IllegalArgumentException("min_snr_gamma, noise_offset and input_perturbation must be >= 0");
            }
        }
    }

    /**
     * One micro-batch: token ids (B, L) and either pixels (B, 3, H, W) in [-1, 1] or the cached posterior of the
     * frozen VAE for them (mean and std, each (B, C, h, w)).
     */
    public record Batch(NDArray tokenIds, NDArray pixels, NDArray latentMean, NDArray latentStd) {
        public static Batch ofPixels(NDArray tokenIds, NDArray pixels) {
            return new Batch(tokenIds, pixels, null, null);
        }

        public static Batch ofLatents(NDArray tokenIds, NDArray mean, NDArray std) {
            return new Batch(tokenIds, null, mean, std);
        }

        long size() {
            return tokenIds.getShape().get(0);
        }
    }

    private final StableDiffusionModels models;
    private final NoiseSchedule schedule;
    private final PredictionType prediction;
    private final Options options;
    private final boolean textEncoderTrained;

    public LatentDiffusionLoss(StableDiffusionModels models, SchedulerConfig scheduler, Options options,
                               boolean textEncoderTrained) {
        if (scheduler.predictionType() == PredictionType.SAMPLE) {
            throw new IllegalArgumentException("prediction_type 'sample' is not supported for training (epsilon or "
                    + "v_prediction), as in diffusers' train_text_to_image");
        }
        this.models = models;
        this.schedule = NoiseSchedule.of(scheduler);
        this.prediction = scheduler.predictionType();
        this.options = options;
        this.textEncoderTrained = textEncoderTrained;
    }

    public PredictionType prediction() {
        return prediction;
    }

    /** The scalar loss of one micro-batch (attached to {@code m}); call backward on it inside a gradient collector. */
    public NDArray loss(NDManager m, Batch batch, long seed) {
        long b = batch.size();

        // 1. Images to latents: a sample of the VAE posterior, times the scaling factor (the VAE is frozen).
        NDArray latents = NoGrad.run(() -> {
            NDArray mean = batch.latentMean();
            NDArray std = batch.latentStd();
            if (batch.pixels() != null) {
                var posterior = models.vae().encode(batch.pixels());
                mean = posterior.mean();
                std = posterior.std();
            }
            return models.vae().scale(mean.add(std.mul(randn(m, seed, Draw.POSTERIOR, mean.getShape()))));
        });
        Shape shape = latents.getShape();

        // 2. The noise to add, with the optional offset: a constant per example and channel (Guttenberg 2023).
        NDArray noise = randn(m, seed, Draw.NOISE, shape);
        if (options.noiseOffset() > 0) {
            noise = noise.add(randn(m, seed, Draw.OFFSET, new Shape(b, shape.get(1), 1, 1))
                    .mul((float) options.noiseOffset()));
        }

        // 3. A timestep per example, uniform over the training schedule.
        SplittableRandom random = new SplittableRandom(subSeed(seed, Draw.TIMESTEPS));
        int[] t = new int[(int) b];
        for (int i = 0; i < b; i++) {
            t[i] = random.nextInt(schedule.size());
        }

        // 4. Forward diffusion: noisy = sqrt(abar_t) * latents + sqrt(1 - abar_t) * noise'; noise' carries the
        //    optional input perturbation, which the target below does not see.
        NDArray modelNoise = options.inputPerturbation() > 0
                ? noise.add(randn(m, seed, Draw.PERTURBATION, shape).mul((float) options.inputPerturbation()))
                : noise;
        NDArray sqrtAlphaBar = perExample(m, t, i -> (float) Math.sqrt(schedule.alphaCumprod(i)));
        NDArray sqrtOneMinus = perExample(m, t, i -> (float) Math.sqrt(1.0f - schedule.alphaCumprod(i)));
        NDArray noisy = latents.mul(sqrtAlphaBar).add(modelNoise.mul(sqrtOneMinus));

        // 5. The caption's text states; gradients flow into the text encoder only when it is trained.
        NDArray context = textEncoderTrained
                ? models.textEncoder().encode(batch.tokenIds(), 0)
                : NoGrad.run(() -> models.textEncoder().encode(batch.tokenIds(), 0));

        // 6. Predict the noise (or velocity) from the noisy latents, the timesteps and the text.
        float[] tf = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            tf[i] = t[i];
        }
        NDArray pred = models.unet().forward(noisy, m.create(tf), context);

        // 7. The target the scheduler config asks for: the noise, or v = sqrt(abar) * noise - sqrt(1 - abar) * x0.
        NDArray target = prediction == PredictionType.EPSILON ? noise
                : noise.mul(sqrtAlphaBar).sub(latents.mul(sqrtOneMinus));

        // 8. Mean squared error, optionally weighted per example by min(SNR, gamma) / SNR (or / (SNR + 1) for v).
        NDArray squared = pred.sub(target).square();
        if (options.minSnrGamma() <= 0) {
            return squared.mean();
        }
        NDArray weights = perExample(m, t, i -> {
            double snr = schedule.snr(i);
            double w = Math.min(snr, options.minSnrGamma());
            return (float) (prediction == PredictionType.EPSILON ? w / snr : w / (snr + 1));
        }).reshape(b);
        return squared.reshape(b, -1).mean(new int[] {1}).mul(weights).mean();
    }

    /** The independent random draws of one micro-batch. */
    private enum Draw { POSTERIOR, NOISE, OFFSET, TIMESTEPS, PERTURBATION }

    private static long subSeed(long seed, Draw draw) {
        return Seeds.mix(seed * 31 + draw.ordinal() + 1);
    }

    /** torch.manual_seed(s); torch.randn(shape) with s derived from (seed, draw), a valid torch seed. */
    private static NDArray randn(NDManager m, long seed, Draw draw, Shape shape) {
        return TorchRandom.randn(m, Math.floorMod(subSeed(seed, draw), (long) Integer.MAX_VALUE + 1), shape);
    }

    private static NDArray perExample(NDManager m, int[] t, java.util.function.IntFunction<Float> f) {
        float[] v = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            v[i] = f.apply(t[i]);
        }
        return m.create(v, new Shape(t.length, 1, 1, 1));
    }
}
