package org.coverlab.spec;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded study file: its records, the sweep grid, and where things are in the file (for messages about members).
 *
 * @param file      the study file, absolute
 * @param grid      {@code sweep.grid}: spec key path to its values as YAML text (e.g. {@code "5e-6"}, {@code "[unet]"}),
 *                  keys in file order
 * @param specLines line of each entry of {@code specs}, in order (0 when unknown)
 * @param gridLines line of each grid key
 */
public record StudyFile(Path file, StudySpec spec, Map<String, List<String>> grid, List<Integer> specLines,
                        Map<String, Integer> gridLines) {

    public StudyFile {
        grid = Collections.unmodifiableMap(new LinkedHashMap<>(grid));
        gridLines = Collections.unmodifiableMap(new LinkedHashMap<>(gridLines));
        specLines = List.copyOf(specLines);
    }

    /** The folder relative spec paths and runs_dir resolve against. */
    public Path folder() {
        Path parent = file.getParent();
        return parent != null ? parent : Path.of("").toAbsolutePath();
    }
}
