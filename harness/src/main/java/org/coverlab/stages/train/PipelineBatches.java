package org.coverlab.stages.train;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.function.Supplier;
import org.coverlab.data.Cursor;
import org.coverlab.data.DataPipeline;
import org.coverlab.data.NdBatches;
import org.coverlab.data.TrainingExample;
import org.coverlab.model.tokenizer.ClipTokenizer;
import org.coverlab.training.LatentDiffusionLoss;
import org.coverlab.training.MicroBatches;

/** The dataset's decoded, shuffled example stream cut into micro-batches of captions (token ids) and pixels. */
final class PipelineBatches implements MicroBatches {
    private final DataPipeline data;
    private final ClipTokenizer tokenizer;
    private final int batchSize;
    private final Supplier<? extends RuntimeException> nothingUsable;

    /** @param nothingUsable the error when an epoch read from its start yields no example at all (no image decodes) */
    PipelineBatches(DataPipeline data, ClipTokenizer tokenizer, int batchSize,
                    Supplier<? extends RuntimeException> nothingUsable) {
        this.data = data;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.nothingUsable = nothingUsable;
    }

    @Override
    public Stream open(int epoch, int position) {
        DataPipeline.Epoch e = data.epoch(new Cursor(epoch, position));
        return new Stream() {
            private boolean any = position > 0;

            @Override
            public MicroBatch next() {
                if (e.number() != epoch) {
                    return null;    // the cursor was at the epoch's end: nothing left of this epoch
                }
                List<TrainingExample> examples = e.nextBatch(batchSize);
                if (examples.isEmpty()) {
                    if (!any) {
                        // every image failed to decode: an "epoch" of nothing would train nothing and call it done
                        throw nothingUsable.get();
                    }
                    return null;
                }
                any = true;
                return batch(examples);
            }

            @Override
            public void close() {
                e.close();
            }
        };
    }

    private MicroBatch batch(List<TrainingExample> examples) {
        return new MicroBatch() {
            @Override
            public int examples() {
                return examples.size();
            }

            @Override
            public int positionAfter() {
                return examples.get(examples.size() - 1).after().position();
            }

            @Override
            public LatentDiffusionLoss.Batch tensors(NDManager manager) {
                return LatentDiffusionLoss.Batch.ofPixels(
                        tokenizer.encodeBatch(NdBatches.captions(examples)).inputIds(manager),
                        NdBatches.pixels(manager, examples));
            }
        };
    }
}
