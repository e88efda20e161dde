package org.coverlab.spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.coverlab.spec.YamlNode.Entry;
import org.coverlab.spec.YamlNode.ListNode;
import org.coverlab.spec.YamlNode.MapNode;
import org.coverlab.spec.YamlNode.ScalarNode;

/**
 * Loads a study file as strictly as {@link SpecLoader} loads a spec: unknown keys with did-you-mean, types, ranges,
 * enum values, every problem at once as {@code file:line: key.path: what was expected}. Besides the record keys it
 * checks what only a study has: {@code sweep.grid} keys must be spec keys (did-you-mean over the spec's keys) with a
 * list of values each, {@code set} entries must be {@code key.path=value} on spec keys, the spec files must exist,
 * and {@code seeds} cannot be combined with a grid over {@code seed}. The member specs themselves are loaded later,
 * one per member, with the member's overrides.
 */
public final class StudyLoader {

    private StudyLoader() {}

    public static StudyFile load(Path file) throws SpecException {
        Path absolute = file.toAbsolutePath().normalize();
        String display = file.toString();
        List<SpecIssue> issues = new ArrayList<>();
        String text = read(file, display, issues);
        if (text == null) {
            throw new SpecException(issues);
        }
        Path dir = absolute.getParent();
        YamlNode root = new YamlReader(display, dir, true, issues).read(text, "");
        if (root == null) {
            if (issues.isEmpty()) {
                issues.add(new SpecIssue(display, 0, "", "is empty; a study is a YAML map with name, specs and optionally set, sweep, executor"));
            }
            throw new SpecException(issues);
        }
        if (!(root instanceof MapNode map)) {
            issues.add(new SpecIssue(display, root.origin().line(), "", "the top level must be a map of keys (name, specs, sweep, executor), got "
                    + root.describeForError()));
            throw new SpecException(issues);
        }
        Map<String, List<String>> grid = new LinkedHashMap<>();
        Map<String, Integer> gridLines = new LinkedHashMap<>();
        map = withoutGrid(map, grid, gridLines, issues);
        SpecBinder binder = new SpecBinder(display, issues);
        StudySpec spec = (StudySpec) binder.bindSection(SpecType.of(StudySpec.class), map, StudySpec.DEFAULT, "");
        List<Integer> specLines = new ArrayList<>();
        check(spec, map, display, dir, grid, specLines, issues);
        if (!issues.isEmpty()) {
            List<SpecIssue> sorted = new ArrayList<>(issues);
            sorted.sort(Comparator.comparingInt(SpecIssue::line));
            throw new SpecException(sorted);
        }
        return new StudyFile(absolute, spec, grid, specLines, gridLines);
    }

    private static String read(Path file, String display, List<SpecIssue> issues) {
        if (Files.isDirectory(file)) {
            issues.add(new SpecIssue(display, 0, "", "is a folder; expected a study file (.yaml)"));
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            issues.add(new SpecIssue(display, 0, "", "study file does not exist"));
        } catch (CharacterCodingException e) {
            issues.add(new SpecIssue(display, 0, "", "is not UTF-8 text"));
        } catch (IOException e) {
            issues.add(new SpecIssue(display, 0, "", "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
        }
        return null;
    }

    /** The tree without {@code sweep.grid}, whose keys (spec key paths) and values are checked and collected here. */
    private static MapNode withoutGrid(MapNode root, Map<String, List<String>> grid, Map<String, Integer> lines,
                                       List<SpecIssue> issues) {
        Entry sweep = root.entries().get("sweep");
        if (sweep == null || !(sweep.value() instanceof MapNode sweepMap) || !sweepMap.entries().containsKey("grid")) {
            return root;
        }
        Entry gridEntry = sweepMap.entries().get("grid");
        YamlNode node = gridEntry.value();
        if (node instanceof MapNode gridMap) {
            for (var e : gridMap.entries().entrySet()) {
                String key = e.getKey();
                int line = e.getValue().keyOrigin().line();
                String file = e.getValue().keyOrigin().file();
                SetOverrides.KeyAt at = SetOverrides.keyAt(key);
                if (at.type() == null) {
                    issues.add(new SpecIssue(file, line, "sweep.grid." + key, "'" + key + "' is not a spec key: "
                            + at.problem() + (at.issuePath().equals(key) ? "" : " (at '" + at.issuePath() + "')")));
                    continue;
                }
                if (!(e.getValue().value() instanceof ListNode values) || values.items().isEmpty()) {
                    issues.add(new SpecIssue(file, line, "sweep.grid." + key, "expected a non-empty list of values, got "
                            + e.getValue().value().describeForError()
                            + (e.getValue().value() instanceof ScalarNode s && !s.isNull() ? " (write [" + s.text() + "] for one value)" : "")));
                    continue;
                }
                grid.put(key, values.items().stream().map(StudyLoader::flow).toList());
                lines.put(key, line);
            }
        } else if (!(node instanceof ScalarNode s && s.isNull())) {
            issues.add(new SpecIssue(gridEntry.keyOrigin().file(), gridEntry.keyOrigin().line(), "sweep.grid",
                    "expected a map of spec key paths to lists of values (e.g. train.learning_rate: [5e-6, 1e-5]), got "
                            + node.describeForError()));
        }
        Map<String, Entry> sweepKeys = new LinkedHashMap<>(sweepMap.entries());
        sweepKeys.remove("grid");
        Map<String, Entry> top = new LinkedHashMap<>(root.entries());
        top.put("sweep", new Entry(sweep.keyOrigin(), new MapNode(sweepMap.origin(), sweepKeys)));
        return new MapNode(root.origin(), top);
    }

    /** A grid value as the YAML text of a --set value. */
    static String flow(YamlNode node) {
        if (node instanceof ScalarNode s) {
            return s.isNull() ? "" : s.text();
        }
        if (node instanceof ListNode l) {
            return l.items().stream().map(StudyLoader::flowItem).collect(Collectors.joining(", ", "[", "]"));
        }
        MapNode m = (MapNode) node;
        return m.entries().entrySet().stream().map(e -> e.getKey() + ": " + flowItem(e.getValue().value()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String flowItem(YamlNode node) {
        if (node instanceof ScalarNode s && s.text() != null && !s.text().matches("[A-Za-z0-9_.+\\-/ ]*")) {
            return SpecWriter.quote(s.text());
        }
        return flow(node);
    }

    private static void check(StudySpec spec, MapNode tree, String file, Path dir, Map<String, List<String>> grid,
                              List<Integer> specLines, List<SpecIssue> issues) {
        if (spec.name().isBlank()) {
            issues.add(new SpecIssue(file, lineOf(tree, "name"), "name", "is missing; expected the study's name (W&B group, MLflow parent run)"));
        }
        Entry specs = tree.entries().get("specs");
        List<YamlNode> specNodes = specs != null && specs.value() instanceof ListNode l ? l.items() : List.of();
        if (spec.specs().isEmpty() && issues.stream().noneMatch(i -> i.keyPath().startsWith("specs"))) {
            issues.add(new SpecIssue(file, specs == null ? 0 : specs.keyOrigin().line(), "specs",
                    "is missing or empty; expected a list of experiment spec files (relative to the study file)"));
        }
        for (int i = 0; i < spec.specs().size(); i++) {
            int line = i < specNodes.size() ? specNodes.get(i).origin().line() : lineOf(tree, "specs");
            specLines.add(line);
            Path p = dir.resolve(spec.specs().get(i)).normalize();
            if (!Files.isRegularFile(p)) {
                issues.add(new SpecIssue(file, line, "specs[" + i + "]", "spec file " + p + (Files.isDirectory(p)
                        ? " is a folder; expected a .yaml file" : " does not exist")));
            }
        }
        Entry set = tree.entries().get("set");
        List<YamlNode> setNodes = set != null && set.value() instanceof ListNode l ? l.items() : List.of();
        for (int i = 0; i < spec.set().size(); i++) {
            String s = spec.set().get(i);
            int line = i < setNodes.size() ? setNodes.get(i).origin().line() : lineOf(tree, "set");
            int eq = s.indexOf('=');
            if (eq <= 0) {
                issues.add(new SpecIssue(file, line, "set[" + i + "]", "expected key.path=value (as --set takes it), got '" + s + "'"));
                continue;
            }
            String key = s.substring(0, eq).strip();
            SetOverrides.KeyAt at = SetOverrides.keyAt(key);
            if (at.type() == null) {
                issues.add(new SpecIssue(file, line, "set[" + i + "]", "'" + key + "' is not a spec key: " + at.problem()));
            }
        }
        if (!spec.sweep().seeds().isEmpty() && grid.containsKey("seed")) {
            issues.add(new SpecIssue(file, lineOf(tree, "sweep"), "sweep.seeds",
                    "sweep.seeds and a sweep.grid over 'seed' both set the seed; keep one"));
        }
        if (spec.sweep().seeds().stream().distinct().count() < spec.sweep().seeds().size()) {
            issues.add(new SpecIssue(file, lineOf(tree, "sweep"), "sweep.seeds", "lists a seed more than once: " + spec.sweep().seeds()));
        }
    }

    private static int lineOf(MapNode tree, String key) {
        Entry e = tree.entries().get(key);
        return e == null ? 0 : e.keyOrigin().line();
    }
}
