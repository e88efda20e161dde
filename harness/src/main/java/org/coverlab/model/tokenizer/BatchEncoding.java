package org.coverlab.model.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Several texts encoded to the same length, ready to become (batch, maxLength) int64 arrays for the text model. */
public record BatchEncoding(List<Encoding> encodings, int maxLength) {

    public BatchEncoding {
        encodings = List.copyOf(encodings);
        for (Encoding e : encodings) {
            if (e.ids().length != maxLength) {
                throw new IllegalArgumentException("every encoding must have length " + maxLength);
            }
        }
    }

    public int size() {
        return encodings.size();
    }

    /** Token ids as an int64 array of shape (batch, maxLength), created in {@code manager}. */
    public NDArray inputIds(NDManager manager) {
        return toArray(manager, true);
    }

    /** Attention mask as an int64 array of shape (batch, maxLength), created in {@code manager}. */
    public NDArray attentionMask(NDManager manager) {
        return toArray(manager, false);
    }

    private NDArray toArray(NDManager manager, boolean ids) {
        long[] flat = new long[encodings.size() * maxLength];
        int k = 0;
        for (Encoding e : encodings) {
            for (int v : ids ? e.ids() : e.attentionMask()) flat[k++] = v;
        }
        return manager.create(flat, new Shape(encodings.size(), maxLength));
    }
}
