package org.coverlab.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import org.coverlab.spec.YamlNode.Entry;
import org.coverlab.spec.YamlNode.MapNode;

/** Deep merge for {@code extends:} and {@code --set}: maps merge key by key, the child wins; lists and scalars replace. */
final class YamlMerge {
    private YamlMerge() {
    }

    static YamlNode merge(YamlNode base, YamlNode child) {
        if (base instanceof MapNode b && child instanceof MapNode c) {
            Map<String, Entry> merged = new LinkedHashMap<>(b.entries());
            for (var e : c.entries().entrySet()) {
                Entry old = merged.get(e.getKey());
                YamlNode value = old == null ? e.getValue().value() : merge(old.value(), e.getValue().value());
                boolean keyFromSet = SpecIssue.SET_OVERRIDE.equals(e.getValue().keyOrigin().file());
                merged.put(e.getKey(), new Entry(old != null && keyFromSet ? old.keyOrigin() : e.getValue().keyOrigin(), value));
            }
            // A --set override has no line; keep pointing at the file that wrote the section.
            boolean fromSet = SpecIssue.SET_OVERRIDE.equals(c.origin().file());
            return new MapNode(fromSet ? b.origin() : c.origin(), merged);
        }
        return child;
    }

    /** The node at a dotted key path, or null. */
    static YamlNode find(YamlNode root, String keyPath) {
        YamlNode node = root;
        for (String part : keyPath.split("\\.")) {
            if (!(node instanceof MapNode map) || !map.entries().containsKey(part)) {
                return null;
            }
            node = map.entries().get(part).value();
        }
        return node;
    }

    /**
     * Where to report an issue about a key path: the value when it was written, else the key line of its nearest
     * written parent section, else the top of the document.
     */
    static YamlNode.Origin locate(YamlNode root, String keyPath) {
        String path = keyPath.replaceAll("\\[\\d+]", "");
        YamlNode exact = find(root, path);
        if (exact != null) {
            return exact.origin();
        }
        YamlNode.Origin best = root.origin();
        YamlNode node = root;
        for (String part : path.split("\\.")) {
            if (!(node instanceof MapNode map) || !map.entries().containsKey(part)) {
                break;
            }
            best = map.entries().get(part).keyOrigin();
            node = map.entries().get(part).value();
        }
        return best;
    }
}
