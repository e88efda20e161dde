package org.coverlab.diffusion;

/** A scheduler configuration that cannot be used; the message names the file and key and what was expected. */
public final class SchedulerConfigException extends RuntimeException {

    public SchedulerConfigException(String message) {
        super(message);
    }

    public SchedulerConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
