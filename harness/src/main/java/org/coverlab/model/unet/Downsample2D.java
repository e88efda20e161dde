package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.Scope;

/** Stride-2 3x3 conv; with padding 0 (the VAE) the input is first padded right/bottom by one, as diffusers does. */
public final class Downsample2D {
    private final Conv2d conv;
    private final int padding;

    public Downsample2D(Scope s, long channels, int padding) {
        conv = new Conv2d(s.child("conv"), channels, channels, 3, 2, padding);
        this.padding = padding;
    }

    public NDArray forward(NDArray x) {
        if (padding == 0) {
            x = x.pad(new Shape(0, 1, 0, 1), 0);
        }
        return conv.forward(x);
    }
}
