package org.coverlab.diffusion;

import org.coverlab.util.BadInputException;

/** A scheduler configuration that cannot be used; the message names the file and key and what was expected. */
public final class SchedulerConfigException extends BadInputException {

    public SchedulerConfigException(String message) {
        super(message);
    }

    public SchedulerConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
