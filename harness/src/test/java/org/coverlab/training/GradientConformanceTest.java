package org.coverlab.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Autograd through the whole model equals PyTorch's: the denoising loss of token ids -> text encoder -> UNet -> MSE
 * to the noise, back-propagated, gives the same gradients in the UNet and in the text encoder as diffusers and
 * transformers (vectors: scripts/make_reference_vectors.py, refvectors/training.py backward()). Text-encoder
 * fine-tuning depends on the gradient passing through the frozen UNet's cross-attention into the text states.
 */
class GradientConformanceTest {

    @Test
    void unetAndTextEncoderGradientsMatchTorch() throws Exception {
        ConformanceTensors vectors = ConformanceTensors.read(Reference.conformance("training/backward.safetensors"));
        Map<String, float[]> ref = vectors.values();
        Map<String, long[]> shapes = vectors.shapes();
        try (NDManager root = NDManager.newBaseManager();
             TextToImagePipeline p = TextToImagePipeline.load(Reference.conformance("models/pipeline"), root);
             NDManager m = root.newSubManager()) {
            p.models().unet().params().setTrainable(true);
            p.models().textEncoder().params().setTrainable(true);
            NDArray ids = tensor(m, ref, shapes, "ids").toType(DataType.INT64, false);
            NDArray latents = tensor(m, ref, shapes, "latents");
            NDArray noise = tensor(m, ref, shapes, "noise");
            NDArray timesteps = tensor(m, ref, shapes, "timesteps");
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray states = p.models().textEncoder().encode(ids, 0);
                NDArray loss = p.models().unet().forward(latents, timesteps, states).sub(noise).square().mean();
                assertEquals(ref.get("loss")[0], loss.getFloat(), 1e-5 * Math.abs(ref.get("loss")[0]), "loss");
                collector.backward(loss);
            }
            int compared = 0;
            for (Map.Entry<String, float[]> e : ref.entrySet()) {
                String key = e.getKey();
                ParamStore store = key.startsWith("unet.") ? p.models().unet().params()
                        : key.startsWith("text_encoder.") ? p.models().textEncoder().params() : null;
                if (store == null) {
                    continue;
                }
                String name = key.substring(key.indexOf('.') + 1);
                float[] actual = store.get(name).value().getGradient().toFloatArray();
                assertRelativelyClose(e.getValue(), actual, 1e-4, key);
                compared++;
            }
            assertTrue(compared >= 8, "compared " + compared + " gradients");
        }
    }

    private static NDArray tensor(NDManager m, Map<String, float[]> ref, Map<String, long[]> shapes, String name) {
        return m.create(ref.get(name), new Shape(shapes.get(name)));
    }

    /** Relative L2 error of the whole tensor: single-precision sums differ in order between the two libraries. */
    private static void assertRelativelyClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double norm = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            norm += (double) expected[i] * expected[i];
            double d = (double) actual[i] - expected[i];
            err += d * d;
        }
        assertTrue(norm > 0, what + ": reference gradient is zero");
        double rel = Math.sqrt(err / norm);
        assertTrue(rel < tolerance, what + ": relative error " + rel);
    }
}
