package org.coverlab.model.io;

import java.nio.file.Path;
import org.coverlab.util.BadInputException;

/** A safetensors file that cannot be read as such; the message names the file and what was wrong. */
public class SafeTensorsException extends BadInputException {
    public SafeTensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafeTensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
