package org.coverlab.data;

import java.util.SplittableRandom;

/** The shuffled visiting order of an epoch: a pure function of (seed, epoch, dataset size). */
public final class EpochOrder {

    private EpochOrder() {
    }

    public static int[] of(int size, long seed, int epoch) {
        return DataSplit.permutation(size, new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.SHUFFLE, epoch)));
    }
}
