package org.coverlab.spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.SpecType.Key;
import org.coverlab.spec.SpecType.Scalar;
import org.coverlab.spec.SpecType.Section;
import org.coverlab.spec.YamlNode.Entry;
import org.coverlab.spec.YamlNode.MapNode;
import org.coverlab.spec.YamlNode.Origin;
import org.coverlab.spec.YamlNode.ScalarNode;

/**
 * Applies {@code --set key.path=value} overrides on top of the merged file tree. The key path is checked against the
 * spec schema right away (so a typo is reported as {@code --set train.epoch: unknown key 'epoch'; did you mean
 * 'epochs'?}); the value is YAML (a scalar or flow collection such as {@code [unet, text_encoder]}), except for
 * string keys, which take the text verbatim so {@code --set description=a: b} needs no quoting. Relative paths in
 * --set values resolve against the working directory, as a shell user expects.
 */
final class SetOverrides {
    private final Path workingDir;
    private final List<SpecIssue> issues;

    SetOverrides(Path workingDir, List<SpecIssue> issues) {
        this.workingDir = workingDir;
        this.issues = issues;
    }

    YamlNode apply(YamlNode root, List<String> overrides) {
        YamlNode tree = root;
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                issues.add(new SpecIssue(SpecIssue.SET_OVERRIDE, 0, override,
                        "expected key.path=value (for example --set train.epochs=2)"));
                continue;
            }
            String keyPath = override.substring(0, eq).strip();
            String valueText = override.substring(eq + 1);
            SpecType target = resolveKey(keyPath);
            if (target == null) {
                continue;
            }
            Origin origin = new Origin(SpecIssue.SET_OVERRIDE, workingDir, 0, 0);
            YamlNode value;
            if (target instanceof Scalar s && s.kind() == Scalar.Kind.STRING) {
                value = new ScalarNode(origin, valueText);
            } else {
                int before = issues.size();
                value = new YamlReader(SpecIssue.SET_OVERRIDE, workingDir, false, issues).read(valueText, keyPath);
                if (issues.size() > before) {
                    continue;
                }
                if (value == null) {
                    value = new ScalarNode(origin, null);
                }
            }
            tree = YamlMerge.merge(tree, wrap(keyPath.split("\\."), 0, value, origin));
        }
        return tree;
    }

    /** The type at the key path, or null (with an issue) when a key on the way does not exist. */
    private SpecType resolveKey(String keyPath) {
        KeyAt at = keyAt(keyPath);
        if (at.type() == null) {
            issues.add(new SpecIssue(SpecIssue.SET_OVERRIDE, 0, at.issuePath(), at.problem()));
        }
        return at.type();
    }

    /**
     * What a spec key path names: its type, or (type null) the problem with the path and the part of it to name, as
     * an issue about the first bad key (did-you-mean included). Shared by --set and a study's sweep keys.
     */
    record KeyAt(SpecType type, String issuePath, String problem) {}

    static KeyAt keyAt(String keyPath) {
        SpecType type = SpecType.of(ExperimentSpec.class);
        String walked = "";
        for (String part : keyPath.split("\\.", -1)) {
            if (!(type instanceof Section section)) {
                return new KeyAt(null, keyPath, "'" + walked + "' is " + type.describe() + ", not a section with keys");
            }
            Key key = section.key(part).orElse(null);
            if (key == null) {
                String hint = part.isEmpty() ? "empty key in the path" : "unknown key '" + part + "'"
                        + DidYouMean.suggest(part, section.keyNames()).map(s -> "; did you mean '" + s + "'?")
                        .orElse("; expected one of: " + String.join(", ", section.keyNames()));
                // Name the path up to the bad key, as file issues do (the rest of the path is meaningless).
                return new KeyAt(null, KeyNames.join(walked, part), hint);
            }
            type = key.type();
            walked = KeyNames.join(walked, part);
        }
        return new KeyAt(type, keyPath, null);
    }

    private static YamlNode wrap(String[] parts, int i, YamlNode value, Origin origin) {
        if (i == parts.length) {
            return value;
        }
        Map<String, Entry> one = new LinkedHashMap<>();
        one.put(parts[i], new Entry(origin, wrap(parts, i + 1, value, origin)));
        return new MapNode(origin, one);
    }
}
