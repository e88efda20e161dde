package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.coverlab.model.nn.Attention;
import org.coverlab.model.nn.LayerNorm;
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Scope;

/** Self-attention, cross-attention on the text states, GEGLU feed-forward; each pre-LayerNorm with a residual. */
final class BasicTransformerBlock {
    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final Linear ffIn;
    private final Linear ffOut;

    BasicTransformerBlock(Scope s, long dim, int heads, long headDim, long crossDim) {
        norm1 = new LayerNorm(s.child("norm1"), dim, 1e-5f);
        attn1 = new Attention(s.child("attn1"), dim, dim, heads, headDim, false);
        norm2 = new LayerNorm(s.child("norm2"), dim, 1e-5f);
        attn2 = new Attention(s.child("attn2"), dim, crossDim, heads, headDim, false);
        norm3 = new LayerNorm(s.child("norm3"), dim, 1e-5f);
        long inner = dim * 4;
        ffIn = new Linear(s.child("ff").child("net").child(0).child("proj"), dim, inner * 2, true);
        ffOut = new Linear(s.child("ff").child("net").child(2), inner, dim, true);
    }

    NDArray forward(NDArray x, NDArray context) {
        x = x.add(attn1.forward(norm1.forward(x), null));
        x = x.add(attn2.forward(norm2.forward(x), context));
        NDArray proj = ffIn.forward(norm3.forward(x));
        NDList halves = proj.split(2, proj.getShape().dimension() - 1);
        NDArray geglu = halves.get(0).mul(Ops.gelu(halves.get(1)));
        return x.add(ffOut.forward(geglu));
    }
}
