package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/** torch.nn.Embedding: a (num, dim) table indexed by integer ids. */
public final class Embedding {
    private final Param weight;
    private final long num;

    public Embedding(Scope scope, long num, long dim, Init init) {
        weight = scope.param("weight", new Shape(num, dim), init);
        this.num = num;
    }

    public long size() {
        return num;
    }

    public NDArray forward(NDArray ids) {
        return ai.djl.nn.core.Embedding.embedding(ids, weight.value(), SparseFormat.DENSE).singletonOrThrow();
    }
}
