package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * What DDPM, DDIM and PNDM share: they step on integer timesteps of the training grid, start from unit-variance
 * latents, feed the model the sample unscaled, and look up alpha_bar at the current and the previous timestep.
 */
abstract sealed class IntegerTimestepScheduler implements Scheduler
        permits DdpmScheduler, DdimScheduler, PndmScheduler {

    final SchedulerConfig config;
    final NoiseSchedule schedule;
    /** The current schedule, noisiest first; set by {@link #setTimesteps}. */
    int[] timesteps = new int[0];

    IntegerTimestepScheduler(SchedulerConfig config, NoiseSchedule schedule) {
        this.config = config;
        this.schedule = schedule;
    }

    @Override
    public final SchedulerConfig config() {
        return config;
    }

    @Override
    public final NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public final float[] timesteps() {
        float[] out = new float[timesteps.length];
        for (int i = 0; i < out.length; i++) out[i] = timesteps[i];
        return out;
    }

    @Override
    public final float initNoiseSigma() {
        return 1f;
    }

    @Override
    public final NDArray scaleModelInput(NDArray sample, float t) {
        return sample.duplicate();
    }

    /**
     * alpha_bar for a step's previous timestep, or {@code beforeStart} when the step goes past the first training
     * timestep (prev < 0): 1 with set_alpha_to_one, else alpha_bar(0).
     */
    final float alphaCumprodPrev(int prev, float beforeStart) {
        return prev >= 0 ? schedule.alphaCumprod(prev) : beforeStart;
    }

    /** The value {@link #alphaCumprodPrev} uses past the first timestep, from set_alpha_to_one (or its default). */
    final float finalAlphaCumprod(boolean setAlphaToOneByDefault) {
        return config.setAlphaToOne().orElse(setAlphaToOneByDefault) ? 1f : schedule.alphaCumprod(0);
    }
}
