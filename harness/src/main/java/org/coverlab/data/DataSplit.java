package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded train/validation split and training subset. Both lists keep list-rank order, so "first N by rank" (the
 * original's choice) is a prefix of the training list; membership depends only on the seed and the cleaned rows.
 */
public record DataSplit(List<BookRecord> train, List<BookRecord> validation) {

    public DataSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /** Holds out round(fraction * n) rows chosen by a seeded permutation (at least one when fraction > 0 and n > 1). */
    public static DataSplit split(List<BookRecord> rows, double fraction, long seed) {
        int n = rows.size();
        int k = (int) Math.round(n * fraction);
        if (fraction > 0 && k == 0 && n > 1) {
            k = 1;
        }
        k = Math.min(k, Math.max(0, n - 1));
        int[] perm = permutation(n, new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.SPLIT)));
        boolean[] held = new boolean[n];
        for (int i = 0; i < k; i++) {
            held[perm[i]] = true;
        }
        List<BookRecord> train = new ArrayList<>(n - k);
        List<BookRecord> validation = new ArrayList<>(k);
        for (int i = 0; i < n; i++) {
            (held[i] ? validation : train).add(rows.get(i));
        }
        return new DataSplit(train, validation);
    }

    /** N training rows: the first N by rank, or a seeded random N (kept in rank order); all when n is 0 or too big. */
    public static List<BookRecord> subset(List<BookRecord> train, int n, DatasetSpec.Subset how, long seed) {
        if (n <= 0 || n >= train.size()) {
            return List.copyOf(train);
        }
        if (how == DatasetSpec.Subset.FIRST) {
            List<BookRecord> sorted = new ArrayList<>(train);
            sorted.sort(Comparator.comparingInt(BookRecord::rank));
            return List.copyOf(sorted.subList(0, n));
        }
        int[] perm = permutation(train.size(), new SplittableRandom(Seeds.derive(seed, Seeds.Purpose.SUBSET)));
        int[] chosen = java.util.Arrays.copyOf(perm, n);
        java.util.Arrays.sort(chosen);
        List<BookRecord> out = new ArrayList<>(n);
        for (int i : chosen) {
            out.add(train.get(i));
        }
        return List.copyOf(out);
    }

    /** Fisher-Yates permutation of 0..n-1. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
