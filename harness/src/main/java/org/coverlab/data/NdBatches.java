package org.coverlab.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/** The one place the data package meets DJL: a batch of examples as a (B, 3, H, W) float32 NDArray. */
public final class NdBatches {

    private NdBatches() {
    }

    public static NDArray pixels(NDManager manager, List<TrainingExample> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        int w = batch.get(0).width();
        int h = batch.get(0).height();
        int per = 3 * h * w;
        float[] all = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).pixels(), 0, all, i * per, per);
        }
        return manager.create(all, new Shape(batch.size(), 3, h, w));
    }

    public static List<String> captions(List<TrainingExample> batch) {
        return batch.stream().map(TrainingExample::caption).toList();
    }
}
