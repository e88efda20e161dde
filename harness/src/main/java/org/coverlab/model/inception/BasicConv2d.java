package org.coverlab.model.inception;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.coverlab.model.nn.Init;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Param;
import org.coverlab.model.nn.Scope;

/**
 * torchvision's Inception {@code BasicConv2d}: a bias-free convolution, batch norm with running statistics
 * (eps 0.001) and ReLU. Inference only: the norm is applied as torch does in eval mode, a per-channel scale
 * {@code weight / sqrt(running_var + eps)} and shift {@code bias - running_mean * scale}.
 */
final class BasicConv2d {
    private static final float EPS = 0.001f;

    private final Param weight;
    private final Param bnWeight;
    private final Param bnBias;
    private final Param runningMean;
    private final Param runningVar;
    private final Shape stride;
    private final Shape padding;
    private final long out;

    BasicConv2d(Scope s, long in, long out, int kh, int kw, int stride, int ph, int pw) {
        Scope conv = s.child("conv");
        Scope bn = s.child("bn");
        weight = conv.param("weight", new Shape(out, in, kh, kw), Init.fanIn(in * kh * kw));
        bnWeight = bn.param("weight", new Shape(out), Init.ones());
        bnBias = bn.param("bias", new Shape(out), Init.zeros());
        runningMean = bn.param("running_mean", new Shape(out), Init.zeros());
        runningVar = bn.param("running_var", new Shape(out), Init.ones());
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(ph, pw);
        this.out = out;
    }

    /** Square kernel k, padding p. */
    BasicConv2d(Scope s, long in, long out, int k, int stride, int p) {
        this(s, in, out, k, k, stride, p, p);
    }

    NDArray forward(NDArray x) {
        NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, weight.value(), null, stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
        NDArray scale = bnWeight.value().div(runningVar.value().add(EPS).sqrt());
        NDArray shift = bnBias.value().sub(runningMean.value().mul(scale));
        NDArray s = Ops.scoped(y, scale.reshape(1, out, 1, 1));
        NDArray b = Ops.scoped(y, shift.reshape(1, out, 1, 1));
        return Activation.relu(y.mul(s).add(b));
    }
}
