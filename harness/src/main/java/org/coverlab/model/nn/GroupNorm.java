package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * torch.nn.GroupNorm over NCHW. DJL has no group_norm; the statistics come from libtorch's fused layer_norm on a
 * (N, G, C/G*H*W) view, which normalises each (sample, group) row exactly as group_norm does (biased variance,
 * eps inside the square root), then the per-channel affine. Forward and backward are one kernel each instead of
 * the seven mean/sub/square/mean/add/sqrt/div ops (and their backward nodes) a composed version needs.
 */
public final class GroupNorm {
    private final Param weight;
    private final Param bias;
    private final int groups;
    private final long channels;
    private final float eps;

    public GroupNorm(Scope scope, int groups, long channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(scope.prefix() + ": " + channels + " channels cannot be split into "
                    + groups + " groups (norm_num_groups must divide every block's channel count)");
        }
        weight = scope.param("weight", new Shape(channels), Init.ones());
        bias = scope.param("bias", new Shape(channels), Init.zeros());
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
    }

    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        NDArray g = x.reshape(shape.get(0), groups, -1);
        NDArray normed = Native.layerNorm(g, new long[] {g.getShape().get(2)}, eps).reshape(shape);
        long[] bshape = new long[shape.dimension()];
        java.util.Arrays.fill(bshape, 1);
        bshape[1] = channels;
        NDArray w = Ops.scoped(x, weight.value().reshape(bshape));
        NDArray b = Ops.scoped(x, bias.value().reshape(bshape));
        return normed.mul(w).add(b);
    }
}
