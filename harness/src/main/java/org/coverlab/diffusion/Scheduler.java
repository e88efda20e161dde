package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * A sampling scheduler with diffusers' contract. Use per sampling run:
 * <pre>{@code
 * try (Scheduler s = Schedulers.create(kind, config)) {
 *     s.setTimesteps(steps);
 *     NDArray x = initialLatents.mul(s.initNoiseSigma());
 *     for (float t : s.timesteps()) {
 *         NDArray in = s.scaleModelInput(x, t);
 *         NDArray eps = unet(in, t);              // with classifier-free guidance applied
 *         x = s.step(eps, t, x);                  // new array in x's manager; close the old x when done with it
 *     }
 * }
 * }</pre>
 * Schedulers are stateful (PNDM keeps past model outputs, Euler a step index) and not thread-safe; make one per run.
 * Every method leaves its result in the manager of {@code sample} and closes its temporaries.
 */
public sealed interface Scheduler extends AutoCloseable
        permits IntegerTimestepScheduler, EulerDiscreteScheduler {

    SchedulerConfig config();

    /** The training noise schedule the config defines. */
    NoiseSchedule schedule();

    /** Chooses {@code numInferenceSteps} timesteps and resets the per-run state. */
    void setTimesteps(int numInferenceSteps);

    /**
     * The timesteps to run, noisiest first, as the float32 values diffusers passes to the UNet (integers except for
     * Euler with linspace spacing). PNDM with skip_prk_steps repeats its second timestep, like diffusers.
     */
    float[] timesteps();

    /** The standard deviation to scale unit-variance initial latents by (1 except for Euler). */
    float initNoiseSigma();

    /** The model input at timestep {@code t}, always a new array: a copy of {@code sample} for DDPM/DDIM/PNDM, scaled for Euler. */
    NDArray scaleModelInput(NDArray sample, float t);

    /** One reverse-diffusion step from {@code sample} at timestep {@code t} given the model's output there. */
    NDArray step(NDArray modelOutput, float t, NDArray sample);

    /** Releases arrays kept between steps. */
    @Override
    void close();
}
