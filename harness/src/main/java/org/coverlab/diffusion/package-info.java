/**
 * Noise schedules and samplers with diffusers' numbers: {@link org.coverlab.diffusion.DdpmScheduler} (training:
 * add_noise, velocity, SNR; ancestral sampling), {@link org.coverlab.diffusion.DdimScheduler},
 * {@link org.coverlab.diffusion.PndmScheduler} (SD1.5's default) and {@link org.coverlab.diffusion.EulerDiscreteScheduler},
 * all driven by a diffusers {@code scheduler_config.json} ({@link org.coverlab.diffusion.SchedulerConfig}), plus
 * classifier-free guidance and seeded initial latents equal to {@code torch.manual_seed(s); torch.randn(shape)}.
 *
 * <p>Conformance tests replay full trajectories against vectors from diffusers 0.42.1 (scripts/refvectors/
 * tokenizer_schedulers.py) and require a max abs error of 1e-4; every step scopes its temporaries in a sub-manager.
 */
package org.coverlab.diffusion;
