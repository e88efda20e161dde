package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;

/** Scaled dot-product attention over (B, L, heads*dim) projections, with an optional additive mask. */
public final class MultiHeadAttention {
    private MultiHeadAttention() {
    }

    public static NDArray attend(NDArray q, NDArray k, NDArray v, int heads, NDArray additiveMask) {
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        long inner = q.getShape().get(2);
        long dim = inner / heads;
        NDArray qh = q.reshape(b, lq, heads, dim).transpose(0, 2, 1, 3);
        NDArray kh = k.reshape(b, lk, heads, dim).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(b, lk, heads, dim).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh).mul((float) (1.0 / Math.sqrt(dim)));
        if (additiveMask != null) {
            scores = scores.add(additiveMask);
        }
        NDArray out = scores.softmax(-1).matMul(vh);
        return out.transpose(0, 2, 1, 3).reshape(b, lq, inner);
    }
}
