package org.coverlab.training;

/**
 * Learning rate per optimizer update, as diffusers' {@code get_scheduler} (a torch LambdaLR) gives it: update
 * {@code u} (0-based count of updates already done) runs at {@code peak * factor(u)}. Linear warmup from 0 over
 * {@code warmup} updates, then constant, linear decay to 0 or a half-cosine to 0 at {@code total} updates.
 * Stepped once per optimizer update, never per micro-batch; its whole state is the update count.
 */
public record LrSchedule(Kind kind, double peak, long warmup, long total) {
    public enum Kind { CONSTANT, LINEAR, COSINE }

    public LrSchedule {
        if (!(peak >= 0) || warmup < 0 || total < 0) {
            throw new IllegalArgumentException("learning rate, warmup and total updates must be >= 0, got "
                    + peak + ", " + warmup + ", " + total);
        }
    }

    /** The learning rate of the update that follows {@code done} completed updates. */
    public double at(long done) {
        return peak * factor(done);
    }

    double factor(long u) {
        if (u < warmup) {
            return (double) u / Math.max(1, warmup);
        }
        return switch (kind) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, (double) (total - u) / Math.max(1, total - warmup));
            case COSINE -> {
                double progress = (double) (u - warmup) / Math.max(1, total - warmup);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
        };
    }
}
