package org.coverlab.data;

/**
 * Derives independent, reproducible random streams from the experiment seed. Every random choice of the data pipeline
 * (split, subset, shuffle, caption, flip, generator) is a pure function of (seed, purpose, epoch, index), so a
 * resumed run or a parallel renderer makes the same choices regardless of order or thread.
 */
public final class Seeds {

    /** What a stream is for; distinct purposes give unrelated streams from the same seed. */
    public enum Purpose {
        SPLIT, SUBSET, SHUFFLE, CAPTION, FLIP, COVER, GENERIC
    }

    private Seeds() {
    }

    /** SplitMix64 finaliser: a bijective, well-mixed 64-bit hash. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A seed for (seed, purpose, parts...); order of parts matters. */
    public static long derive(long seed, Purpose purpose, long... parts) {
        long h = mix(seed + 0x9e3779b97f4a7c15L * (purpose.ordinal() + 1));
        for (long p : parts) {
            h = mix(h ^ (p + 0x9e3779b97f4a7c15L));
        }
        return h;
    }

    /** A uniform integer in [0, bound) for (seed, purpose, parts...). */
    public static int choose(int bound, long seed, Purpose purpose, long... parts) {
        return new java.util.SplittableRandom(derive(seed, purpose, parts)).nextInt(bound);
    }
}
