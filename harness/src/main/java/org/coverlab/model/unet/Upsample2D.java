package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Scope;

/** Nearest-neighbour upsampling (x2, or to the skip connection's size) followed by a 3x3 conv. */
public final class Upsample2D {
    private final Conv2d conv;

    public Upsample2D(Scope s, long channels) {
        conv = new Conv2d(s.child("conv"), channels, channels, 3, 1, 1);
    }

    /** @param size target (h, w), or null for exactly twice the input */
    public NDArray forward(NDArray x, long[] size) {
        long h = size == null ? 2 * x.getShape().get(2) : size[0];
        long w = size == null ? 2 * x.getShape().get(3) : size[1];
        return conv.forward(Ops.nearestResize(x, h, w));
    }
}
