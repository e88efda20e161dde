package org.coverlab.model.vae;

import org.coverlab.model.nn.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.coverlab.diffusion.TorchRandom;

/** The VAE posterior: per-element Gaussian with the mean and clamped log-variance split from the moments. */
public final class DiagonalGaussian {
    private final NDArray mean;
    private final NDArray logvar;

    DiagonalGaussian(NDArray moments) {
        NDList parts = moments.split(2, 1);
        mean = parts.get(0);
        logvar = parts.get(1).clip(-30f, 20f);
    }

    public NDArray mean() {
        return mean;
    }

    public NDArray logvar() {
        return logvar;
    }

    public NDArray std() {
        return Ops.mul(logvar, 0.5f).exp();
    }

    /** mean + std * noise, noise ~ N(0, 1) of the mean's shape (drawn by the caller so it can be seeded). */
    public NDArray sample(NDArray noise) {
        return mean.add(std().mul(noise));
    }

    /**
     * A sample with {@code torch.Generator().manual_seed(seed)} noise, as diffusers' {@code latent_dist.sample(
     * generator=...)} draws it for this shape.
     */
    public NDArray sample(long seed) {
        NDArray noise = TorchRandom.randn(mean.getManager(), seed, mean.getShape());
        return sample(noise);
    }

    /** The mode, used for deterministic encoding. */
    public NDArray mode() {
        return mean;
    }
}
