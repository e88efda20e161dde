package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.Linear: weight (out, in), optional bias (out). */
public final class Linear {
    private final Param weight;
    private final Param bias;

    public Linear(Scope scope, long in, long out, boolean withBias) {
        this(scope, in, out, withBias, Init.fanIn(in), Init.fanIn(in));
    }

    public Linear(Scope scope, long in, long out, boolean withBias, Init weightInit, Init biasInit) {
        weight = scope.param("weight", new Shape(out, in), weightInit);
        bias = withBias ? scope.param("bias", new Shape(out), biasInit) : null;
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight.value(), bias == null ? null : bias.value()).singletonOrThrow();
    }
}
