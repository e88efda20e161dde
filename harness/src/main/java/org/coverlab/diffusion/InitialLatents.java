package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Fixed initial latents for sample grids: seed s gives {@code torch.manual_seed(s); torch.randn(1, C, H, W)}, so a
 * grid column shows the same noise at every checkpoint and in every experiment, and equals what diffusers draws with
 * {@code generator=torch.manual_seed(s)} for a batch of one.
 */
public final class InitialLatents {

    private InitialLatents() {
    }

    /** Latents (1, channels, height, width) for one seed; height and width are in latent pixels (image / 8). */
    public static NDArray forSeed(NDManager manager, long seed, int channels, int height, int width) {
        return TorchRandom.randn(manager, seed, new Shape(1, channels, height, width));
    }

    /** One row per seed, stacked to (seeds, channels, height, width). */
    public static NDArray forSeeds(NDManager manager, List<Long> seeds, int channels, int height, int width) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("at least one seed is needed");
        try (NDManager scope = manager.newSubManager()) {
            NDList rows = new NDList();
            for (long seed : seeds) rows.add(forSeed(scope, seed, channels, height, width));
            NDArray out = NDArrays.concat(rows, 0);
            out.attach(manager);
            return out;
        }
    }
}
