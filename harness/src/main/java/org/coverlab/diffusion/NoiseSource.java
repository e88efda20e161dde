package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Standard normal noise for stochastic steps (DDPM sampling, DDIM with eta > 0). */
@FunctionalInterface
public interface NoiseSource {

    /** A new float32 array of {@code shape} in {@code manager}, each element drawn from N(0, 1). */
    NDArray next(NDManager manager, Shape shape);

    /** Restarts the stream; schedulers call it from setTimesteps so every sampling run draws the same noise. */
    default void reset() {
    }
}
