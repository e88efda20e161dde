package org.coverlab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.vae.DiagonalGaussian;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients must not depend on when the garbage collector runs. Everything autograd saves for backward has to stay
 * alive until backward is done; a tensor over a Java direct buffer whose NDArray handle closes earlier (DJL's
 * {@code mul(Number)} scalars, index constants made inside a block scope) is freed by the collector and backward
 * reads freed memory. Before the fix (#10) the training repeated in one JVM stopped on "the gradient norm is NaN"
 * or differed in the last bits now and then, and every time when the collector ran between forward and backward.
 */
class GradientLifetimeTest {

    @Test
    void unetAndTextEncoderGradientsAreTheSameWhenTheCollectorRunsBetweenForwardAndBackward() throws Exception {
        // 16 px: a 4x4 latent, 1x1 at the UNet's lowest level, the smallest case
        BiFunction<StableDiffusionModels, NDManager, NDArray> loss = (models, m) -> {
            LatentDiffusionLoss l = TinyTraining.loss(models, true, new LatentDiffusionLoss.Options(5, 0.1, 0.1));
            return l.loss(m, firstBatch(m), 3);
        };
        assertSameGradients(loss, models -> List.of(models.unet().params(), models.textEncoder().params()));
    }

    @Test
    void vaeGradientsAreTheSameWhenTheCollectorRunsBetweenForwardAndBackward() throws Exception {
        // the VAE phase of the tiny-base pretraining: encode, sample the posterior, decode, L1 + KL
        BiFunction<StableDiffusionModels, NDManager, NDArray> loss = (models, m) -> {
            NDArray x = firstBatch(m).pixels();
            DiagonalGaussian posterior = models.vae().encode(x);
            NDArray recon = models.vae().decode(posterior.sample(m.randomNormal(posterior.mean().getShape())));
            NDArray kl = posterior.mean().square().add(posterior.logvar().exp()).sub(1f).sub(posterior.logvar()).mean();
            return recon.sub(x).abs().mean().add(Ops.mul(Ops.mul(kl, 0.5f), 1e-2f));
        };
        assertSameGradients(loss, models -> List.of(models.vae().params()));
    }

    @Test
    void nearestResizeToAnOddSizeKeepsItsIndicesAliveForBackward() throws Exception {
        float[][] grads = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (NDManager root = NDManager.newBaseManager()) {
                float[] values = new float[30];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (i * 7 % 11) / 5f - 1f;
                }
                NDArray x = root.create(values, new Shape(1, 2, 3, 5));
                x.setRequiresGradient(true);
                try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    NDArray y;
                    try (NDManager block = root.newSubManager()) {
                        // the upsampler runs inside a block scope whose handles close before backward
                        x.tempAttach(block);
                        y = Ops.nearestResize(x, 7, 9);
                        y.attach(root);
                    }
                    NDArray l = Ops.mul(y, 3f).mul(y).sum();
                    if (run == 1) {
                        collectGarbage();
                    }
                    c.backward(l);
                }
                grads[run] = x.getGradient().toFloatArray();
            }
        }
        assertArrayEquals(grads[0], grads[1]);
    }

    private static void assertSameGradients(BiFunction<StableDiffusionModels, NDManager, NDArray> loss,
                                            java.util.function.Function<StableDiffusionModels, List<ParamStore>> trained)
            throws Exception {
        float[][][] grads = new float[2][][];
        for (int run = 0; run < 2; run++) {
            try (NDManager root = NDManager.newBaseManager(); StableDiffusionModels models = TinyTraining.models(root)) {
                root.getEngine().setRandomSeed(5);
                TrainedParams params = TrainedParams.of(trained.apply(models));
                try (NDManager m = root.newSubManager();
                     GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    NDArray l = loss.apply(models, m);
                    if (run == 1) {
                        collectGarbage();
                    }
                    c.backward(l);
                }
                grads[run] = new float[params.size()][];
                for (int i = 0; i < params.size(); i++) {
                    try (NDArray g = params.get(i).value().getGradient()) {
                        grads[run][i] = g.toFloatArray();
                    }
                    for (float g : grads[run][i]) {
                        assertTrue(Float.isFinite(g), params.get(i).name() + " has a non-finite gradient");
                    }
                }
            }
        }
        for (int i = 0; i < grads[0].length; i++) {
            assertArrayEquals(grads[0][i], grads[1][i], "gradient " + i);
        }
    }

    /** Two random 16x16 images with captions (at 16 px the UNet's lowest level is 1x1, the smallest case). */
    private static LatentDiffusionLoss.Batch firstBatch(NDManager m) {
        try (MicroBatches.Stream s = TinyTraining.data(1, 2, 16).open(0, 0)) {
            return s.next().tensors(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the collector until a dropped direct buffer has been reclaimed, so unreachable native memory is freed. */
    private static void collectGarbage() throws InterruptedException {
        WeakReference<ByteBuffer> canary = new WeakReference<>(ByteBuffer.allocateDirect(16));
        for (int i = 0; i < 50 && canary.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        System.gc();
        Thread.sleep(100); // the Reference Handler frees the buffers' memory shortly after
    }
}
