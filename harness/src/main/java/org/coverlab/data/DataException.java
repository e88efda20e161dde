package org.coverlab.data;

/** A dataset cannot be used at all (missing file, unusable header, bad template); the message names the culprit. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
