package org.coverlab.model;

import java.nio.file.Path;
import org.coverlab.util.BadInputException;

/** A model config.json / model_index.json that cannot be used; names the file and key. */
public class ModelConfigException extends BadInputException {
    public ModelConfigException(Path file, String problem) {
        super((file == null ? "model config" : file.toString()) + ": " + problem);
    }
}
