package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.GroupNorm over NCHW (DJL has no GroupNorm; built from NDArray ops so autograd flows through). */
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
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centered = g.sub(mean);
        NDArray var = centered.square().mean(new int[] {2}, true);
        NDArray normed = centered.div(var.add(eps).sqrt()).reshape(shape);
        long[] bshape = new long[shape.dimension()];
        java.util.Arrays.fill(bshape, 1);
        bshape[1] = channels;
        NDArray w = Ops.scoped(x, weight.value().reshape(bshape));
        NDArray b = Ops.scoped(x, bias.value().reshape(bshape));
        return normed.mul(w).add(b);
    }
}
