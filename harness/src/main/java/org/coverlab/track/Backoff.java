package org.coverlab.track;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with proportional jitter, as the W&B SDK does it: the n-th retry (from 0) waits
 * {@code base * 2^n}, plus 0 to {@code jitter} of that, capped at {@code max}. Immutable; the random source is passed
 * in so that tests can fix it.
 */
public record Backoff(Duration base, Duration max, double jitter) {

    /** W&B SDK defaults: from 2 s, doubling, 0-25 % jitter, at most 60 s. */
    public static final Backoff WANDB = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), 0.25);

    public Backoff {
        if (base.isNegative() || max.isNegative() || base.compareTo(max) > 0) {
            throw new IllegalArgumentException("backoff needs 0 <= base <= max, got base " + base + ", max " + max);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("backoff jitter must be within [0, 1], got " + jitter);
        }
    }

    /** Same policy with another starting delay (tests use milliseconds). */
    public Backoff withBase(Duration newBase) {
        return new Backoff(newBase, max.compareTo(newBase) < 0 ? newBase : max, jitter);
    }

    /** Delay before retry number {@code attempt} (0 for the first retry). */
    public long delayMillis(int attempt, RandomGenerator random) {
        double exponential = base.toMillis() * Math.pow(2, Math.min(attempt, 40));
        double withJitter = exponential * (1 + jitter * random.nextDouble());
        return (long) Math.min(withJitter, max.toMillis());
    }

    /** The delay to wait: the server's request when it made one (never less), else the backoff's. */
    public long delayMillis(int attempt, long serverRequestedMillis, RandomGenerator random) {
        return Math.max(serverRequestedMillis, delayMillis(attempt, random));
    }
}
