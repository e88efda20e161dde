/**
 * Fine-tuning as a library, usable without a run: the latent-diffusion loss ({@link
 * org.coverlab.training.LatentDiffusionLoss}), optimizers ({@link org.coverlab.training.AdamW} and its 8-bit
 * variant), learning-rate schedules, EMA of the trained weights, and the loop ({@link org.coverlab.training.Trainer})
 * that accumulates gradients, clips them, steps the optimizer and tells {@link
 * org.coverlab.training.TrainingListener}s. It never imports {@code org.coverlab.run} or {@code org.coverlab.stages}:
 * the train stage and the tiny-base pretraining both drive it.
 *
 * <p>Optimizer, EMA and gradient arithmetic run in Java on float arrays, element by element in a fixed order, so an
 * update is bit-identical whatever the thread count; only the model's forward and backward run in libtorch.
 */
package org.coverlab.training;
