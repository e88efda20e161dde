package org.coverlab.training;

import ai.djl.ndarray.NDManager;

/** The training data as the {@link Trainer} sees it: micro-batches of an epoch from a position onwards. */
public interface MicroBatches {

    /** The micro-batches of {@code epoch} from entry {@code position} of its order (0 = the start). */
    Stream open(int epoch, int position);

    /** One epoch's rest; close it to stop early. */
    interface Stream extends AutoCloseable {
        /** The next micro-batch, or null when the epoch is over. */
        MicroBatch next() throws Exception;

        @Override
        void close();
    }

    /**
     * A micro-batch: its example count, the position in the epoch after it, and how to build its tensors.
     */
    interface MicroBatch {
        int examples();

        int positionAfter();

        LatentDiffusionLoss.Batch tensors(NDManager manager);
    }
}
