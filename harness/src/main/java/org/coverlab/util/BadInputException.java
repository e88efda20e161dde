package org.coverlab.util;

/**
 * Input the user gave that cannot be used: a truncated or garbage safetensors file, a tensor of the wrong shape, a
 * config or scheduler value out of range, a dataset file that is not what it claims. Every loader's exception extends
 * this, so every command maps it the same way: exit 2, the message (which names the file, key or line and what was
 * expected), no stack trace. Anything else that escapes a command is a bug (exit 70).
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The first bad-input exception in {@code error}'s cause chain, or null when the error is not about input. */
    public static BadInputException in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BadInputException bad) {
                return bad;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
