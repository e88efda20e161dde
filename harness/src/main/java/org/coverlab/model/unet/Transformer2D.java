package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.GroupNorm;
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.Scope;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' Transformer2DModel on continuous NCHW input: GroupNorm, proj_in (1x1 conv, or linear when
 * use_linear_projection), transformer blocks over the H*W tokens, proj_out, residual.
 */
final class Transformer2D {
    private final GroupNorm norm;
    private final Conv2d convIn;
    private final Conv2d convOut;
    private final Linear linIn;
    private final Linear linOut;
    private final List<BasicTransformerBlock> blocks = new ArrayList<>();

    Transformer2D(Scope s, long channels, int heads, long crossDim, int layers, int groups, boolean linear) {
        long headDim = channels / heads;
        long inner = heads * headDim;
        norm = new GroupNorm(s.child("norm"), groups, channels, 1e-6f);
        if (linear) {
            linIn = new Linear(s.child("proj_in"), channels, inner, true);
            convIn = null;
        } else {
            convIn = new Conv2d(s.child("proj_in"), channels, inner, 1, 1, 0);
            linIn = null;
        }
        for (int i = 0; i < layers; i++) {
            blocks.add(new BasicTransformerBlock(s.child("transformer_blocks").child(i), inner, heads, headDim, crossDim));
        }
        if (linear) {
            linOut = new Linear(s.child("proj_out"), inner, channels, true);
            convOut = null;
        } else {
            convOut = new Conv2d(s.child("proj_out"), inner, channels, 1, 1, 0);
            linOut = null;
        }
    }

    NDArray forward(NDArray x, NDArray context) {
        long b = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray y = norm.forward(x);
        if (convIn != null) {
            y = convIn.forward(y);
        }
        long inner = y.getShape().get(1);
        y = y.transpose(0, 2, 3, 1).reshape(b, h * w, inner);
        if (linIn != null) {
            y = linIn.forward(y);
        }
        for (BasicTransformerBlock block : blocks) {
            y = block.forward(y, context);
        }
        if (linOut != null) {
            y = linOut.forward(y);
        }
        y = y.reshape(b, h, w, y.getShape().get(2)).transpose(0, 3, 1, 2);
        if (convOut != null) {
            y = convOut.forward(y);
        }
        return y.add(x);
    }
}
