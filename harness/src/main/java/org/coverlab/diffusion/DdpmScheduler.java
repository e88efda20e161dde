package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * DDPM (Ho et al. 2020), diffusers' {@code DDPMScheduler}. For training: {@link #addNoise} (the forward process),
 * {@link #getVelocity} and {@link #trainingTarget} (what the model should predict) and {@link #snr} (for min-SNR
 * loss weighting). For sampling: ancestral steps with the fixed posterior variance, which need a noise source.
 */
public final class DdpmScheduler extends IntegerTimestepScheduler {

    private final TimestepSpacing spacing;
    private final boolean clipSample;
    private final NoiseSource noise;

    /** A scheduler for training only, or for sampling with {@link TorchRandom#stream(long)} seeded with 0. */
    public DdpmScheduler(SchedulerConfig config) {
        this(config, TorchRandom.stream(0));
    }

    public DdpmScheduler(SchedulerConfig config, NoiseSource noise) {
        super(config, NoiseSchedule.of(config));
        this.spacing = config.timestepSpacing().orElse(TimestepSpacing.LEADING);
        this.clipSample = config.clipSample().orElse(true);
        this.noise = noise;
        this.timesteps = descendingAll(config.numTrainTimesteps());
    }

    private static int[] descendingAll(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = n - 1 - i;
        return t;
    }

    @Override
    public void setTimesteps(int numInferenceSteps) {
        this.timesteps = InferenceTimesteps.descending(spacing, numInferenceSteps, config);
        noise.reset();
    }

    /** The next timestep of the current schedule after {@code t}, or -1 after the last (diffusers' previous_timestep). */
    int previousTimestep(int t) {
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == t) return i + 1 < timesteps.length ? timesteps[i + 1] : -1;
        }
        String shown = Arrays.toString(Arrays.copyOf(timesteps, Math.min(timesteps.length, 12)));
        throw new IllegalArgumentException("timestep " + t + " is not in the schedule (" + timesteps.length
                + " steps: " + shown + (timesteps.length > 12 ? "...)" : ")"));
    }

    @Override
    public NDArray step(NDArray modelOutput, float t, NDArray sample) {
        int ti = Math.round(t);
        if (ti <= 0) return step(modelOutput, t, sample, null);
        try (NDManager scope = sample.getManager().newSubManager()) {
            NDArray z = noise.next(scope, modelOutput.getShape());
            return step(modelOutput, t, sample, z);
        }
    }

    /**
     * One ancestral step with the given standard normal {@code variance noise} (ignored at t = 0, may then be null):
     * x_{t-1} = c0 * x0_hat + ct * x_t + sqrt(variance) * z.
     */
    public NDArray step(NDArray modelOutput, float t, NDArray sample, NDArray varianceNoise) {
        int ti = Math.round(t);
        int prev = previousTimestep(ti);
        float alphaProd = schedule.alphaCumprod(ti);
        float alphaProdPrev = alphaCumprodPrev(prev, 1f);
        float betaProd = 1 - alphaProd;
        float betaProdPrev = 1 - alphaProdPrev;
        float currentAlpha = alphaProd / alphaProdPrev;
        float currentBeta = 1 - currentAlpha;
        try (StepScope scope = StepScope.into(sample, modelOutput, varianceNoise)) {
            NDArray x0 = PredictedOriginal.of(config.predictionType(), modelOutput, sample, alphaProd, betaProd);
            if (clipSample) x0 = x0.clip(-config.clipSampleRange(), config.clipSampleRange());
            float x0Coeff = (float) Math.sqrt(alphaProdPrev) * currentBeta / betaProd;
            float sampleCoeff = (float) Math.sqrt(currentAlpha) * betaProdPrev / betaProd;
            NDArray prevSample = x0.mul(x0Coeff).add(sample.mul(sampleCoeff));
            if (ti > 0) {
                if (varianceNoise == null) throw new IllegalArgumentException("variance noise is needed at t > 0");
                prevSample = prevSample.add(varianceNoise.mul(noiseScale(currentBeta, betaProd, betaProdPrev)));
            }
            return scope.keep(prevSample);
        }
    }

    /** Standard deviation of the added noise for the configured variance type. */
    private float noiseScale(float currentBeta, float betaProd, float betaProdPrev) {
        float variance = Math.max(betaProdPrev / betaProd * currentBeta, 1e-20f);
        return switch (config.varianceType()) {
            case FIXED_SMALL -> (float) Math.sqrt(variance);
            case FIXED_SMALL_LOG -> (float) Math.exp(0.5f * (float) Math.log(variance));
            case FIXED_LARGE -> (float) Math.sqrt(currentBeta);
        };
    }

    /** Forward process q(x_t | x_0): sqrt(alpha_bar_t) * x0 + sqrt(1 - alpha_bar_t) * noise, per-sample t (B,). */
    public NDArray addNoise(NDArray original, NDArray noise, NDArray timesteps) {
        long[] ts = timestepsOf(timesteps, original);
        try (StepScope scope = StepScope.into(original, noise)) {
            NDArray a = perSample(scope.manager(), ts, original, true);
            NDArray s = perSample(scope.manager(), ts, original, false);
            return scope.keep(original.mul(a).add(noise.mul(s)));
        }
    }

    /** Velocity target v = sqrt(alpha_bar_t) * noise - sqrt(1 - alpha_bar_t) * x0, per-sample t (B,). */
    public NDArray getVelocity(NDArray sample, NDArray noise, NDArray timesteps) {
        long[] ts = timestepsOf(timesteps, sample);
        try (StepScope scope = StepScope.into(sample, noise)) {
            NDArray a = perSample(scope.manager(), ts, sample, true);
            NDArray s = perSample(scope.manager(), ts, sample, false);
            return scope.keep(noise.mul(a).sub(sample.mul(s)));
        }
    }

    /** What the model is trained to output for the configured prediction type: noise, velocity or x0. */
    public NDArray trainingTarget(NDArray original, NDArray noise, NDArray timesteps) {
        return switch (config.predictionType()) {
            case EPSILON -> noise.duplicate();
            case V_PREDICTION -> getVelocity(original, noise, timesteps);
            case SAMPLE -> original.duplicate();
        };
    }

    /** SNR(t) = alpha_bar_t / (1 - alpha_bar_t) for each t of {@code timesteps}, float32 of the same length. */
    public NDArray snr(NDArray timesteps) {
        long[] ts = timesteps.toType(DataType.INT64, false).toLongArray();
        float[] out = new float[ts.length];
        for (int i = 0; i < ts.length; i++) out[i] = (float) schedule.snr(checkTrainTimestep(ts[i]));
        return timesteps.getManager().create(out, new Shape(ts.length));
    }

    /**
     * Min-SNR-gamma loss weights (Hang et al. 2023) per timestep, as diffusers' training scripts compute them:
     * min(SNR, gamma) / SNR for epsilon, / (SNR + 1) for v-prediction, unscaled for sample prediction. With a
     * zero-terminal-SNR schedule and epsilon prediction the last timestep's weight is 0/0, as in diffusers.
     */
    public NDArray minSnrLossWeights(NDArray timesteps, float gamma) {
        if (!(gamma > 0)) throw new IllegalArgumentException("snr gamma must be > 0, got " + gamma);
        long[] ts = timesteps.toType(DataType.INT64, false).toLongArray();
        float[] out = new float[ts.length];
        for (int i = 0; i < ts.length; i++) {
            float snr = (float) schedule.snr(checkTrainTimestep(ts[i]));
            float clipped = Math.min(snr, gamma);
            out[i] = switch (config.predictionType()) {
                case EPSILON -> clipped / snr;
                case V_PREDICTION -> clipped / (snr + 1f);
                case SAMPLE -> clipped;
            };
        }
        return timesteps.getManager().create(out, new Shape(ts.length));
    }

    private int checkTrainTimestep(long t) {
        if (t < 0 || t >= config.numTrainTimesteps()) {
            throw new IllegalArgumentException("training timestep " + t + " outside 0.." + (config.numTrainTimesteps() - 1));
        }
        return (int) t;
    }

    private long[] timestepsOf(NDArray timesteps, NDArray like) {
        long[] ts = timesteps.toType(DataType.INT64, false).toLongArray();
        long batch = like.getShape().get(0);
        if (ts.length != batch && ts.length != 1) {
            throw new IllegalArgumentException("need one timestep per sample (" + batch + "), got " + ts.length);
        }
        for (long t : ts) checkTrainTimestep(t);
        return ts;
    }

    /** sqrt(alpha_bar_t) or sqrt(1 - alpha_bar_t) shaped (B, 1, ..., 1) to broadcast over {@code like}. */
    private NDArray perSample(NDManager manager, long[] ts, NDArray like, boolean signal) {
        float[] v = new float[ts.length];
        for (int i = 0; i < ts.length; i++) {
            float ab = schedule.alphaCumprod((int) ts[i]);
            v[i] = (float) Math.sqrt(signal ? ab : 1f - ab);
        }
        long[] dims = new long[like.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[0] = ts.length;
        return manager.create(v, new Shape(dims));
    }

    @Override
    public void close() {
        // nothing is kept between steps
    }
}
