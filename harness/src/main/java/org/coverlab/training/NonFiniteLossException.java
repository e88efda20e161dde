package org.coverlab.training;

/** Training produced a NaN or infinite loss or gradient; thrown before the update, so the weights stay as they were. */
public final class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(String message) {
        super(message);
    }
}
