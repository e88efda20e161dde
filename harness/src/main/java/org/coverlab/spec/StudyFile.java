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

    /**
     * One member to be: a spec file and the overrides that make it (the study's {@code set}, then one grid point in
     * the grid's key order, then {@code seed=N}).
     *
     * @param specIndex which entry of {@code specs} it comes from
     */
    public record Member(int specIndex, Path specFile, List<String> overrides) {}

    /** Every member: each spec times each grid point times each seed, in that nesting order. */
    public List<Member> members() {
        List<List<String>> points = new java.util.ArrayList<>(List.of(List.of()));
        for (Map.Entry<String, List<String>> key : grid.entrySet()) {
            List<List<String>> next = new java.util.ArrayList<>();
            for (List<String> point : points) {
                for (String value : key.getValue()) {
                    List<String> p = new java.util.ArrayList<>(point);
                    p.add(key.getKey() + "=" + value);
                    next.add(p);
                }
            }
            points = next;
        }
        List<Member> out = new java.util.ArrayList<>();
        for (int i = 0; i < spec.specs().size(); i++) {
            Path specFile = folder().resolve(spec.specs().get(i)).normalize();
            for (List<String> point : points) {
                List<Long> seeds = spec.sweep().seeds().isEmpty() ? java.util.Collections.singletonList(null) : spec.sweep().seeds();
                for (Long seed : seeds) {
                    List<String> overrides = new java.util.ArrayList<>(spec.set());
                    overrides.addAll(point);
                    if (seed != null) {
                        overrides.add("seed=" + seed);
                    }
                    out.add(new Member(i, specFile, overrides));
                }
            }
        }
        return out;
    }
}
