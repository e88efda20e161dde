package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' Attention with the default processor on (B, L, C) tokens: to_q / to_k / to_v, to_out.0.
 * Self-attention when the context is null, cross-attention on the context (e.g. text states) otherwise.
 */
public final class Attention {
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;

    public Attention(Scope scope, long queryDim, long contextDim, int heads, long headDim, boolean qkvBias) {
        long inner = heads * headDim;
        toQ = new Linear(scope.child("to_q"), queryDim, inner, qkvBias);
        toK = new Linear(scope.child("to_k"), contextDim, inner, qkvBias);
        toV = new Linear(scope.child("to_v"), contextDim, inner, qkvBias);
        toOut = new Linear(scope.child("to_out").child(0), inner, queryDim, true);
        this.heads = heads;
    }

    public NDArray forward(NDArray x, NDArray context) {
        NDArray ctx = context == null ? x : context;
        NDArray out = MultiHeadAttention.attend(toQ.forward(x), toK.forward(ctx), toV.forward(ctx), heads, null);
        return toOut.forward(out);
    }
}
