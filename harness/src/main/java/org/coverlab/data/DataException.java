package org.coverlab.data;

import org.coverlab.util.BadInputException;

/** A dataset cannot be used at all (missing file, unusable header, bad template); the message names the culprit. */
public class DataException extends BadInputException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
