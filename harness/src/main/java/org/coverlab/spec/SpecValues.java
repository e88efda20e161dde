package org.coverlab.spec;

import java.lang.reflect.Constructor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.SpecType.Key;
import org.coverlab.spec.SpecType.Section;

/** Reads and replaces values inside spec records by dotted key path ("dataset.resolution.width"). */
public final class SpecValues {
    private SpecValues() {
    }

    /** The value at {@code keyPath} (snake_case keys), e.g. {@code get(spec, "train.epochs")}. */
    public static Object get(Record root, String keyPath) {
        Object value = root;
        for (String part : keyPath.split("\\.")) {
            if (!(value instanceof Record record)) {
                throw new IllegalArgumentException("'" + keyPath + "' goes below a value that is not a section");
            }
            value = key(record, part, keyPath).valueOf(record);
        }
        return value;
    }

    /** A copy of {@code root} with the value at {@code keyPath} replaced (no validation). */
    @SuppressWarnings("unchecked")
    public static <R extends Record> R with(R root, String keyPath, Object value) {
        int dot = keyPath.indexOf('.');
        String head = dot < 0 ? keyPath : keyPath.substring(0, dot);
        Section section = SpecType.of(root.getClass());
        Key key = key(root, head, keyPath);
        Object replacement = dot < 0 ? value : with((Record) key.valueOf(root), keyPath.substring(dot + 1), value);
        List<Key> keys = section.keys();
        Object[] values = new Object[keys.size()];
        Class<?>[] types = new Class<?>[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            values[i] = keys.get(i).name().equals(key.name()) ? replacement : keys.get(i).valueOf(root);
            types[i] = keys.get(i).component().getType();
        }
        try {
            Constructor<? extends Record> ctor = section.recordClass().getDeclaredConstructor(types);
            return (R) ctor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot set " + keyPath + ": " + e.getCause(), e);
        }
    }

    /**
     * Every leaf key as {@code "section.key" -> value} in record order, the flat config trackers record (W&B config,
     * MLflow params). Values are String, Integer, Long, Double, Boolean or unmodifiable Lists of those; enums appear as
     * their YAML keys.
     */
    public static Map<String, Object> flatten(Record root) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten(root, "", out);
        return Collections.unmodifiableMap(out);
    }

    private static void flatten(Record record, String prefix, Map<String, Object> out) {
        for (Key key : SpecType.of(record.getClass()).keys()) {
            String path = KeyNames.join(prefix, key.name());
            Object value = key.valueOf(record);
            if (value instanceof Record nested) {
                flatten(nested, path, out);
            } else if (value instanceof List<?> list) {
                out.put(path, list.stream().map(SpecValues::plain).toList());
            } else {
                out.put(path, plain(value));
            }
        }
    }

    private static Object plain(Object value) {
        return value instanceof SpecEnum e ? e.key() : value;
    }

    private static Key key(Record record, String name, String keyPath) {
        return SpecType.of(record.getClass()).key(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown key '" + name + "' in '" + keyPath + "'"));
    }
}
