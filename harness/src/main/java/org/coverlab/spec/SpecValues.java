package org.coverlab.spec;

import java.lang.reflect.Constructor;
import java.util.List;
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
            values[i] = keys.get(i) == key ? replacement : keys.get(i).valueOf(root);
            types[i] = keys.get(i).component().getType();
        }
        try {
            Constructor<? extends Record> ctor = section.recordClass().getDeclaredConstructor(types);
            return (R) ctor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot set " + keyPath + ": " + e.getCause(), e);
        }
    }

    private static Key key(Record record, String name, String keyPath) {
        return SpecType.of(record.getClass()).key(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown key '" + name + "' in '" + keyPath + "'"));
    }
}
