package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.Conv2d with square kernel, bias, symmetric padding. */
public final class Conv2d {
    private final Param weight;
    private final Param bias;
    private final Shape stride;
    private final Shape padding;

    public Conv2d(Scope scope, long in, long out, int kernel, int stride, int padding) {
        long fanIn = in * kernel * kernel;
        weight = scope.param("weight", new Shape(out, in, kernel, kernel), Init.fanIn(fanIn));
        bias = scope.param("bias", new Shape(out), Init.fanIn(fanIn));
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight.value(), bias.value(), stride, padding,
                new Shape(1, 1), 1).singletonOrThrow();
    }
}
