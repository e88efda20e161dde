package org.coverlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NdBatchesTest {

    private static TrainingExample example(float base) {
        float[] px = new float[3 * 2 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = base + i / 100f;
        }
        return new TrainingExample(CaptionBuilderTest.book(0, "T", List.of("A"), "d", List.of("G")), "cap " + base,
                px, 4, 2, false, new Cursor(0, 1));
    }

    @Test
    void batchBecomesBatchChannelHeightWidthTensorWithTheSameValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<TrainingExample> batch = List.of(example(0f), example(0.5f));
            NDArray x = NdBatches.pixels(m, batch);
            assertEquals(new Shape(2, 3, 2, 4), x.getShape());
            float[] flat = x.toFloatArray();
            float[] second = java.util.Arrays.copyOfRange(flat, 24, 48);
            assertArrayEquals(batch.get(1).pixels(), second);
            assertEquals(0.5f + 5 / 100f, x.get(1, 0, 1, 1).getFloat(), 1e-6, "CHW: channel 0, row 1, column 1 is index 5");
            assertEquals(List.of("cap 0.0", "cap 0.5"), NdBatches.captions(batch));
        }
    }
}
