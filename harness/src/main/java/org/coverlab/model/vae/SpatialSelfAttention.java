package org.coverlab.model.vae;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.GroupNorm;
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.MultiHeadAttention;
import org.coverlab.model.nn.Scope;

/** The VAE mid-block attention: GroupNorm, single-head self-attention over H*W positions, residual. */
final class SpatialSelfAttention {
    private final GroupNorm norm;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    SpatialSelfAttention(Scope s, long channels, int groups, float eps) {
        norm = new GroupNorm(s.child("group_norm"), groups, channels, eps);
        q = new Linear(s.child("to_q"), channels, channels, true);
        k = new Linear(s.child("to_k"), channels, channels, true);
        v = new Linear(s.child("to_v"), channels, channels, true);
        out = new Linear(s.child("to_out").child(0), channels, channels, true);
    }

    NDArray forward(NDArray x) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray tokens = norm.forward(x).reshape(b, c, h * w).transpose(0, 2, 1);
        NDArray attn = MultiHeadAttention.attend(q.forward(tokens), k.forward(tokens), v.forward(tokens), 1, null);
        return out.forward(attn).transpose(0, 2, 1).reshape(b, c, h, w).add(x);
    }
}
