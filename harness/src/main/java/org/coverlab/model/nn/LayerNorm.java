package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.LayerNorm over the last dimension. */
public final class LayerNorm {
    private final Param weight;
    private final Param bias;
    private final Shape normalized;
    private final float eps;

    public LayerNorm(Scope scope, long dim, float eps) {
        weight = scope.param("weight", new Shape(dim), Init.ones());
        bias = scope.param("bias", new Shape(dim), Init.zeros());
        this.normalized = new Shape(dim);
        this.eps = eps;
    }

    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalized, weight.value(), bias.value(), eps).singletonOrThrow();
    }
}
