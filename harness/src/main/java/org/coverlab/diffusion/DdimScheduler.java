package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * DDIM (Song et al. 2021), diffusers' {@code DDIMScheduler}: deterministic for eta = 0 (the default and what SD
 * pipelines use); eta > 0 adds noise from a {@link NoiseSource}.
 */
public final class DdimScheduler extends IntegerTimestepScheduler {

    private final TimestepSpacing spacing;
    private final boolean clipSample;
    private final float finalAlphaCumprod;
    private final float eta;
    private final NoiseSource noise;
    private int numInferenceSteps;

    public DdimScheduler(SchedulerConfig config) {
        this(config, 0f, null);
    }

    /** With stochasticity {@code eta} in [0, 1]; {@code noise} is needed when eta > 0. */
    public DdimScheduler(SchedulerConfig config, float eta, NoiseSource noise) {
        super(checkEta(config, eta, noise), NoiseSchedule.of(config));
        this.spacing = config.timestepSpacing().orElse(TimestepSpacing.LEADING);
        this.clipSample = config.clipSample().orElse(true);
        this.finalAlphaCumprod = finalAlphaCumprod(true);
        this.eta = eta;
        this.noise = noise;
        setTimesteps(50);
    }

    private static SchedulerConfig checkEta(SchedulerConfig config, float eta, NoiseSource noise) {
        if (eta < 0 || eta > 1) throw new IllegalArgumentException("eta must be in [0, 1], got " + eta);
        if (eta > 0 && noise == null) throw new IllegalArgumentException("eta > 0 needs a noise source");
        return config;
    }

    @Override
    public void setTimesteps(int numInferenceSteps) {
        this.timesteps = InferenceTimesteps.descending(spacing, numInferenceSteps, config);
        this.numInferenceSteps = numInferenceSteps;
        if (noise != null) noise.reset();
    }

    @Override
    public NDArray step(NDArray modelOutput, float t, NDArray sample) {
        int ti = Math.round(t);
        if (ti < 0 || ti >= config.numTrainTimesteps()) {
            throw new IllegalArgumentException("timestep " + t + " outside 0.." + (config.numTrainTimesteps() - 1));
        }
        int prev = ti - config.numTrainTimesteps() / numInferenceSteps;
        float alphaProd = schedule.alphaCumprod(ti);
        float alphaProdPrev = alphaCumprodPrev(prev, finalAlphaCumprod);
        float betaProd = 1 - alphaProd;
        float betaProdPrev = 1 - alphaProdPrev;
        try (StepScope scope = StepScope.into(sample, modelOutput)) {
            PredictionType type = config.predictionType();
            NDArray x0 = PredictedOriginal.of(type, modelOutput, sample, alphaProd, betaProd);
            NDArray eps = PredictedOriginal.epsilon(type, modelOutput, sample, x0, alphaProd, betaProd);
            if (clipSample) x0 = x0.clip(-config.clipSampleRange(), config.clipSampleRange());
            float variance = betaProdPrev / betaProd * (1 - alphaProd / alphaProdPrev);
            float std = eta * (float) Math.sqrt(variance);
            float direction = (float) Math.sqrt(1 - alphaProdPrev - std * std);
            NDArray prevSample = x0.mul((float) Math.sqrt(alphaProdPrev)).add(eps.mul(direction));
            if (eta > 0) {
                NDManager m = scope.manager();
                prevSample = prevSample.add(noise.next(m, modelOutput.getShape()).mul(std));
            }
            return scope.keep(prevSample);
        }
    }

    @Override
    public void close() {
        // nothing is kept between steps
    }
}
