package org.coverlab.model.tokenizer;

import org.coverlab.util.BadInputException;

/** A tokenizer folder or file that cannot be read; the message names the file, line or key and what was expected. */
public final class TokenizerFormatException extends BadInputException {

    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
