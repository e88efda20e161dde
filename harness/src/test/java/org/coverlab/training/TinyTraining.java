package org.coverlab.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.coverlab.model.StableDiffusionModels;
import org.coverlab.model.TinyPreset;
import org.coverlab.diffusion.SchedulerConfig;

import java.util.SplittableRandom;

/** A tiny random-init model and seeded fake micro-batches at 32x32 pixels, small enough for unit tests. */
final class TinyTraining {
    static final int VOCAB = 64;
    static final int TOKENS = 8;
    // 32 px: with the tiny VAE's downscale 4 an 8x8 latent (2x2 at the UNet's lowest level). 16 px (1x1 there)
    // trains as well; the NaN gradients once blamed on it were freed scalars (#10, GradientLifetimeTest).
    static final int SIZE = 32;

    private TinyTraining() {
    }

    static StableDiffusionModels models(NDManager m) {
        return TinyPreset.create(m, VOCAB, 0, 1, 1, 7);
    }

    static LatentDiffusionLoss loss(StableDiffusionModels models, boolean textEncoderTrained,
                                    LatentDiffusionLoss.Options options) {
        return new LatentDiffusionLoss(models, SchedulerConfig.SD15, options, textEncoderTrained);
    }

    /** {@code batches} micro-batches per epoch of {@code batch} examples; each is a pure function of (epoch, index). */
    static MicroBatches data(int batches, int batch) {
        return data(batches, batch, SIZE);
    }

    /** The same at {@code size} x {@code size} pixels. */
    static MicroBatches data(int batches, int batch, int size) {
        return (epoch, position) -> new MicroBatches.Stream() {
            int next = position / batch;

            @Override
            public MicroBatches.MicroBatch next() {
                if (next >= batches) {
                    return null;
                }
                int index = next++;
                return new MicroBatches.MicroBatch() {
                    @Override
                    public int examples() {
                        return batch;
                    }

                    @Override
                    public int positionAfter() {
                        return (index + 1) * batch;
                    }

                    @Override
                    public LatentDiffusionLoss.Batch tensors(NDManager m) {
                        SplittableRandom r = new SplittableRandom(epoch * 1000L + index);
                        float[] px = new float[batch * 3 * size * size];
                        for (int i = 0; i < px.length; i++) {
                            px[i] = (float) (r.nextDouble() * 2 - 1);
                        }
                        long[] ids = new long[batch * TOKENS];
                        for (int i = 0; i < ids.length; i++) {
                            ids[i] = i % TOKENS == 0 ? 0 : 2 + r.nextInt(VOCAB - 2);
                        }
                        return LatentDiffusionLoss.Batch.ofPixels(m.create(ids, new Shape(batch, TOKENS)),
                                m.create(px, new Shape(batch, 3, size, size)));
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }
}
