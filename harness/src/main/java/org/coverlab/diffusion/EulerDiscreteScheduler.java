package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * Euler's method on the probability-flow ODE in sigma space (Karras et al. 2022, Algorithm 2 without churn),
 * diffusers' {@code EulerDiscreteScheduler}: latents start at sigma_max ({@link #initNoiseSigma()}), the model
 * sees them scaled by 1 / sqrt(sigma^2 + 1), and sigmas between training steps are interpolated linearly.
 */
public final class EulerDiscreteScheduler implements Scheduler {

    private final SchedulerConfig config;
    private final NoiseSchedule schedule;
    private final TimestepSpacing spacing;
    /** sqrt((1 - alpha_bar) / alpha_bar) per training timestep, float32 as diffusers computes it. */
    private final float[] trainSigmas;

    private float[] timesteps = new float[0];
    private float[] sigmas = new float[0];
    private int stepIndex = -1;

    public EulerDiscreteScheduler(SchedulerConfig config) {
        this.config = config;
        this.schedule = NoiseSchedule.of(config);
        this.spacing = config.timestepSpacing().orElse(TimestepSpacing.LINSPACE);
        float[] ac = schedule.alphasCumprod();
        if (config.rescaleBetasZeroSnr()) ac[ac.length - 1] = (float) Math.pow(2, -24); // keeps the last sigma finite
        trainSigmas = new float[ac.length];
        for (int i = 0; i < ac.length; i++) trainSigmas[i] = (float) Math.sqrt((1f - ac[i]) / ac[i]);
    }

    @Override
    public SchedulerConfig config() {
        return config;
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public void setTimesteps(int n) {
        InferenceTimesteps.checkSteps(n, config);
        int total = config.numTrainTimesteps();
        float[] ts;
        switch (spacing) {
            case LINSPACE -> {
                ts = new float[n];
                for (int i = 0; i < n; i++) ts[n - 1 - i] = (float) InferenceTimesteps.linspace(0, total - 1, n, i);
            }
            case LEADING -> {
                ts = new float[n];
                int ratio = total / n;
                for (int i = 0; i < n; i++) ts[n - 1 - i] = (float) (i * ratio) + config.stepsOffset();
            }
            default -> {
                double[] values = InferenceTimesteps.trailingArange(total, n);
                ts = new float[values.length];
                for (int i = 0; i < values.length; i++) ts[i] = (float) Math.rint(values[i]) - 1;
            }
        }
        float[] s = new float[ts.length + 1];
        for (int i = 0; i < ts.length; i++) s[i] = (float) interpolate(ts[i]);
        s[ts.length] = config.finalSigmaZero() ? 0f : trainSigmas[0];
        this.timesteps = ts;
        this.sigmas = s;
        this.stepIndex = -1;
    }

    /** np.interp(t, arange(N), train_sigmas) in double, clamped at the ends as np.interp does. */
    private double interpolate(double t) {
        if (t <= 0) return trainSigmas[0];
        int last = trainSigmas.length - 1;
        if (t >= last) return trainSigmas[last];
        int j = (int) Math.floor(t);
        double slope = ((double) trainSigmas[j + 1] - trainSigmas[j]);
        return slope * (t - j) + trainSigmas[j];
    }

    @Override
    public float[] timesteps() {
        return timesteps.clone();
    }

    /** The inference sigmas, one per timestep plus the final one. */
    public float[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public float initNoiseSigma() {
        float max = 0f;
        for (float s : sigmas.length > 0 ? sigmas : trainSigmas) max = Math.max(max, s);
        if (spacing == TimestepSpacing.LINSPACE || spacing == TimestepSpacing.TRAILING) return max;
        return (float) Math.sqrt(max * max + 1f);
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, float t) {
        initStepIndex(t);
        float sigma = sigmas[stepIndex];
        return sample.div((float) Math.sqrt(sigma * sigma + 1f));
    }

    @Override
    public NDArray step(NDArray modelOutput, float t, NDArray sample) {
        initStepIndex(t);
        if (stepIndex + 1 >= sigmas.length) throw new IllegalStateException("Euler: all steps are done");
        float sigma = sigmas[stepIndex];
        float sigmaNext = sigmas[stepIndex + 1];
        try (StepScope scope = StepScope.into(sample, modelOutput)) {
            NDArray x0 = switch (config.predictionType()) {
                case EPSILON -> sample.sub(modelOutput.mul(sigma));
                case V_PREDICTION -> {
                    float s2 = sigma * sigma + 1f;
                    yield modelOutput.mul(-sigma / (float) Math.sqrt(s2)).add(sample.div(s2));
                }
                case SAMPLE -> modelOutput.duplicate();
            };
            NDArray derivative = sample.sub(x0).div(sigma);
            NDArray prev = sample.add(derivative.mul(sigmaNext - sigma));
            stepIndex++;
            return scope.keep(prev);
        }
    }

    /** Position of {@code t} in the schedule on first use; the second match if it occurs twice, as diffusers. */
    private void initStepIndex(float t) {
        if (stepIndex >= 0) return;
        if (timesteps.length == 0) throw new IllegalStateException("call setTimesteps before sampling");
        int first = -1;
        int count = 0;
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == t) {
                if (count++ == 0) first = i;
                else if (count == 2) {
                    stepIndex = i;
                    return;
                }
            }
        }
        if (first < 0) throw new IllegalArgumentException("timestep " + t + " is not in the schedule");
        stepIndex = first;
    }

    @Override
    public void close() {
        // nothing is kept between steps
    }
}
