package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiHeadAttentionTest {

    /** Sliced attention (bounded memory for full-size models) gives the same result as one big score matrix. */
    @Test
    void slicedAttentionEqualsUnslicedIncludingUnevenLastSlice() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.randomNormal(new Shape(3, 10, 12));
            NDArray k = m.randomNormal(new Shape(3, 7, 12));
            NDArray v = m.randomNormal(new Shape(3, 7, 12));
            NDArray whole = MultiHeadAttention.attend(q, k, v, 4, null, Long.MAX_VALUE);
            // 12 (batch*head) rows, 70 scores each; 5 rows per slice leaves a last slice of 2
            NDArray sliced = MultiHeadAttention.attend(q, k, v, 4, null, 5 * 70);
            assertArrayEquals(whole.getShape().getShape(), sliced.getShape().getShape());
            assertTrue(whole.sub(sliced).abs().max().getFloat() < 1e-6f);
        }
    }
}
