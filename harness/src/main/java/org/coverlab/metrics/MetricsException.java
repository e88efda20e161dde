package org.coverlab.metrics;

/** Bad metric input (a statistics file of the wrong shape, non-finite values, too few images): the message names it. */
public class MetricsException extends RuntimeException {
    public MetricsException(String message) {
        super(message);
    }

    public MetricsException(String message, Throwable cause) {
        super(message, cause);
    }
}
