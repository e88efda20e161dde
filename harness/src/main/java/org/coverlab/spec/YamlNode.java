package org.coverlab.spec;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it was written (file, line, column, and the folder its relative paths
 * resolve against), so merged and overridden trees still point every issue at the right file and line.
 */
sealed interface YamlNode {

    Origin origin();

    /** Human wording for "got ..." in type errors. */
    String describeForError();

    /**
     * Where a node was written. {@code file} is the display name used in issues; {@code baseDir} is the folder a
     * relative path in this node resolves against (the spec file's folder, or the working directory for --set).
     */
    record Origin(String file, Path baseDir, int line, int column) {
    }

    /** A mapping; keys keep their own origin (the line of the key, used for unknown-key issues). */
    record MapNode(Origin origin, Map<String, Entry> entries) implements YamlNode {
        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describeForError() {
            return "a map";
        }
    }

    record Entry(Origin keyOrigin, YamlNode value) {
    }

    record ListNode(Origin origin, List<YamlNode> items) implements YamlNode {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describeForError() {
            return "a list";
        }
    }

    /** A scalar as written; {@code text} is null for a YAML null (an empty value or '~'). */
    record ScalarNode(Origin origin, String text) implements YamlNode {
        boolean isNull() {
            return text == null;
        }

        @Override
        public String describeForError() {
            return text == null ? "nothing (an empty value)" : "'" + text + "'";
        }
    }
}
