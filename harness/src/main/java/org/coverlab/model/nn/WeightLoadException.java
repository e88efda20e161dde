package org.coverlab.model.nn;

import java.nio.file.Path;
import java.util.List;
import org.coverlab.util.BadInputException;

/**
 * A checkpoint that does not fit the model built from its config. Lists every missing, unexpected and
 * shape-mismatched key at once, because fixing them one error at a time is miserable with hundreds of keys.
 */
public class WeightLoadException extends BadInputException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> mismatched;

    public WeightLoadException(Path file, List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(describe(file, missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> mismatched() {
        return mismatched;
    }

    private static String describe(Path file, List<String> missing, List<String> unexpected, List<String> mismatched) {
        StringBuilder sb = new StringBuilder("weights in ").append(file)
                .append(" do not match the model's config (nothing was loaded):");
        section(sb, "missing keys (in the model, not in the file)", missing);
        section(sb, "unexpected keys (in the file, not in the model)", unexpected);
        section(sb, "shape mismatches", mismatched);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> keys) {
        if (!keys.isEmpty()) {
            sb.append("\n  ").append(keys.size()).append(' ').append(title).append(':');
            keys.forEach(k -> sb.append("\n    ").append(k));
        }
    }
}
