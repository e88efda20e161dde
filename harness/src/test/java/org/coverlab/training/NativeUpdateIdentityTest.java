package org.coverlab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.coverlab.model.StableDiffusionModels;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An optimizer update through {@link TrainedParams.Update}, which reads the gradients and writes the weights in
 * libtorch's memory in place, gives bit for bit what the same optimizer gives on Java copies of them (the path the
 * harness took before: copy each gradient out, scale, clip, update a copy of the weights, write it back). So the
 * change of path altered no trajectory: not the pretrained tiny base's, not a resumed run's.
 */
class NativeUpdateIdentityTest {

    @Test
    void inPlaceUpdatesEqualUpdatesOnJavaCopiesForAdamWAndEma() throws Exception {
        check(false);
    }

    @Test
    void inPlaceUpdatesEqualUpdatesOnJavaCopiesFor8BitAdamW() throws Exception {
        check(true);
    }

    private static void check(boolean eightBit) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(m)) {
            TrainedParams params = TrainedParams.of(List.of(models.unet().params()));
            int n = params.size();
            AdamW.Settings settings = AdamW.Settings.defaults(1e-2);
            Optimizer inPlace = eightBit ? new AdamW8bit(settings, 4096) : new AdamW(settings);
            Optimizer onCopies = eightBit ? new AdamW8bit(settings, 4096) : new AdamW(settings);
            Ema emaInPlace = new Ema(0.9);
            Ema emaOnCopies = new Ema(0.9);
            float[][] copies = new float[n][];
            for (int i = 0; i < n; i++) {
                copies[i] = params.values(i);
            }
            LatentDiffusionLoss loss = TinyTraining.loss(models, false, LatentDiffusionLoss.Options.NONE);
            MicroBatches data = TinyTraining.data(3, 1);
            try (MicroBatches.Stream stream = data.open(0, 0)) {
                for (int update = 1; update <= 3; update++) {
                    MicroBatches.MicroBatch batch = stream.next();
                    try (NDManager mm = m.newSubManager();
                         GradientCollector c = Engine.getInstance().newGradientCollector()) {
                        c.backward(loss.loss(mm, batch.tensors(mm), update));
                    }
                    float scale = 0.5f;   // as if averaging two micro-batches
                    // the reference: Java copies of each gradient, scaled, norm in double, clipped, then the update
                    double squares = 0;
                    float[][] grads = new float[n][];
                    for (int i = 0; i < n; i++) {
                        try (NDArray g = params.get(i).value().getGradient()) {
                            grads[i] = g.toFloatArray();
                        }
                        for (int k = 0; k < grads[i].length; k++) {
                            grads[i][k] *= scale;
                            squares += (double) grads[i][k] * grads[i][k];
                        }
                    }
                    double norm = Math.sqrt(squares);
                    // clip hard on the second update, not at all otherwise
                    float clip = update == 2 ? (float) Math.min(1.0, 0.01 / (norm + 1e-6)) : 1f;
                    double lr = 1e-3 * update;
                    onCopies.beginStep(lr);
                    emaOnCopies.beginUpdate();
                    for (int i = 0; i < n; i++) {
                        for (int k = 0; k < grads[i].length; k++) {
                            grads[i][k] *= clip;
                        }
                        onCopies.update(i, params.get(i).name(), copies[i], grads[i]);
                        emaOnCopies.update(i, params.get(i).name(), copies[i]);
                    }
                    try (TrainedParams.Update u = params.beginUpdate(scale)) {
                        assertEquals(norm, u.norm(), "gradient norm of update " + update);
                        inPlace.beginStep(lr);
                        emaInPlace.beginUpdate();
                        u.apply(inPlace, clip, emaInPlace);
                    }
                    params.zeroGradients();
                    for (int i = 0; i < n; i++) {
                        String what = params.get(i).name() + " after update " + update;
                        assertArrayEquals(copies[i], params.values(i), what);
                        assertArrayEquals(emaOnCopies.shadow(i), emaInPlace.shadow(i), "EMA of " + what);
                    }
                }
            }
            var a = inPlace.state();
            var b = onCopies.state();
            assertEquals(b.size(), a.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(b.get(i).data(), a.get(i).data(), a.get(i).name());
            }
        }
    }
}
