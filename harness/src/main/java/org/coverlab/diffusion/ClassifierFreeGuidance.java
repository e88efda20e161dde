package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Classifier-free guidance (Ho and Salimans 2022): eps = eps_uncond + scale * (eps_cond - eps_uncond). With
 * {@link #enabled()} the pipeline runs the UNet on a doubled batch, unconditional half first, as diffusers does.
 */
public record ClassifierFreeGuidance(float scale) {

    public ClassifierFreeGuidance {
        if (!(scale >= 1f)) throw new IllegalArgumentException("guidance scale must be >= 1, got " + scale);
    }

    /** Guidance does something only above 1 (diffusers' do_classifier_free_guidance). */
    public boolean enabled() {
        return scale > 1f;
    }

    /** The guided prediction, in the manager of {@code cond}. */
    public NDArray combine(NDArray uncond, NDArray cond) {
        try (StepScope scope = StepScope.into(cond, uncond)) {
            return scope.keep(uncond.add(cond.sub(uncond).mul(scale)));
        }
    }

    /** Splits a (2B, ...) model output into its unconditional and conditional halves and combines them. */
    public NDArray combineBatched(NDArray output) {
        long batch = output.getShape().get(0);
        if (batch % 2 != 0) throw new IllegalArgumentException("guided batch must be even, got " + batch);
        NDList halves = output.split(2, 0);
        try {
            return combine(halves.get(0), halves.get(1));
        } finally {
            halves.close();
        }
    }

    /** The model input for guidance: the latents twice, stacked on the batch axis. */
    public static NDArray doubleBatch(NDArray latents) {
        return NDArrays.concat(new NDList(latents, latents), 0);
    }
}
