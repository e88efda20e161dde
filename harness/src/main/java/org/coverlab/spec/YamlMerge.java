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
                merged.put(e.getKey(), new Entry(e.getValue().keyOrigin(), value));
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

    /** The node at the key path or, when absent, at its nearest written parent section (for issue locations). */
    static YamlNode findNearest(YamlNode root, String keyPath) {
        String path = keyPath.replaceAll("\\[\\d+]", "");
        while (true) {
            YamlNode node = find(root, path);
            if (node != null) {
                return node;
            }
            int dot = path.lastIndexOf('.');
            if (dot < 0) {
                return root;
            }
            path = path.substring(0, dot);
        }
    }
}
