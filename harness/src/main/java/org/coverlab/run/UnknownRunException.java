package org.coverlab.run;

/** A run id that names no run in the runs directory (or is not a run id at all). */
public final class UnknownRunException extends RuntimeException {
    public UnknownRunException(String message) {
        super(message);
    }
}
