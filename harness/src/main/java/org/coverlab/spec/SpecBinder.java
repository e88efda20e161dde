package org.coverlab.spec;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.coverlab.spec.SpecType.EnumType;
import org.coverlab.spec.SpecType.Key;
import org.coverlab.spec.SpecType.ListType;
import org.coverlab.spec.SpecType.Scalar;
import org.coverlab.spec.SpecType.Section;
import org.coverlab.spec.YamlNode.Entry;
import org.coverlab.spec.YamlNode.MapNode;
import org.coverlab.spec.YamlNode.ScalarNode;

/**
 * Binds a YAML tree onto the spec records by reflection: snake_case keys to record components, missing keys from the
 * section's default, nested sections merged with their defaults. Every problem is collected as an issue naming file,
 * line and key path; a bad value is replaced by its default so binding continues and later keys are still checked.
 */
final class SpecBinder {
    /** A decimal number as YAML and people write it: 5e-6, 0.001, -3, 1_000 (no NaN, no hex, no Java suffixes). */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d[\\d_]*(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern NOT_FINITE = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    private final List<SpecIssue> issues;
    private final String defaultFile;
    /** Key paths that had an issue, so later stages (file checks) do not pile onto the same key. */
    private final Set<String> badPaths = new HashSet<>();

    SpecBinder(String defaultFile, List<SpecIssue> issues) {
        this.defaultFile = defaultFile;
        this.issues = issues;
    }

    Set<String> badPaths() {
        return badPaths;
    }

    /** Binds {@code node} (a map, or null for "all defaults") to the record of {@code section}. */
    Record bindSection(Section section, YamlNode node, Record defaults, String path) {
        if (node == null || node instanceof ScalarNode s && s.isNull()) {
            if (defaults != null) {
                return defaults;
            }
            node = new MapNode(node == null ? new YamlNode.Origin(defaultFile, null, 0, 0) : node.origin(), Map.of());
        }
        if (!(node instanceof MapNode map)) {
            report(node, path, "expected " + section.describe() + ", got " + node.describeForError());
            return defaults != null ? defaults : zeroRecord(section);
        }
        for (var e : map.entries().entrySet()) {
            if (section.key(e.getKey()).isEmpty()) {
                String keyPath = KeyNames.join(path, e.getKey());
                String hint = e.getKey().equals("<<") ? "; YAML merge keys are not supported, use extends: base.yaml"
                        : DidYouMean.suggest(e.getKey(), section.keyNames())
                        .map(s -> "; did you mean '" + s + "'?")
                        .orElse("; expected one of: " + String.join(", ", section.keyNames()));
                issues.add(new SpecIssue(e.getValue().keyOrigin().file(), e.getValue().keyOrigin().line(), keyPath,
                        "unknown key '" + e.getKey() + "'" + hint));
                badPaths.add(keyPath);
            }
        }
        List<Key> keys = section.keys();
        Object[] values = new Object[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            Key key = keys.get(i);
            String keyPath = KeyNames.join(path, key.name());
            Object fallback = defaults != null ? key.valueOf(defaults) : null;
            Entry entry = map.entries().get(key.name());
            if (entry == null) {
                if (fallback == null) {
                    if (key.type() instanceof Section nested) {
                        values[i] = bindSection(nested, null, defaultOf(nested), keyPath);
                        continue;
                    }
                    report(map, keyPath, "is missing; expected " + key.type().describe());
                    fallback = zero(key.type());
                }
                values[i] = fallback;
            } else {
                values[i] = bindValue(key.type(), entry.value(), fallback, keyPath, key.range().orElse(null));
            }
        }
        Record record = construct(section, values, map, path);
        checkMultiplesOf8(record, map, path);
        return record;
    }

    private Object bindValue(SpecType type, YamlNode node, Object fallback, String path, Range range) {
        Object fb = fallback != null ? fallback : zero(type);
        if (type instanceof Section section) {
            return bindSection(section, node, fallback != null ? (Record) fallback : defaultOf(section), path);
        }
        if (type instanceof ListType list) {
            return bindList(list, node, fb, path, range);
        }
        if (!(node instanceof ScalarNode scalar)) {
            return fail(node, path, "expected " + type.describe() + ", got " + node.describeForError(), fb);
        }
        if (type instanceof EnumType e) {
            return bindEnum(e, scalar, path, fb);
        }
        Scalar.Kind kind = ((Scalar) type).kind();
        if (kind == Scalar.Kind.STRING) {
            return scalar.isNull() ? "" : scalar.text();
        }
        if (scalar.isNull()) {
            return fail(node, path, "has no value; expected " + type.describe(), fb);
        }
        String text = scalar.text().strip();
        return switch (kind) {
            case BOOLEAN -> bindBoolean(scalar, text, path, fb);
            case INT, LONG -> bindInteger(kind, scalar, text, path, range, fb);
            case DOUBLE -> bindDouble(scalar, text, path, range, fb);
            case STRING -> throw new AssertionError();
        };
    }

    /** A list's {@link Range} applies to each of its elements. */
    private Object bindList(ListType list, YamlNode node, Object fallback, String path, Range range) {
        if (node instanceof ScalarNode s && s.isNull()) {
            return List.of();
        }
        if (!(node instanceof YamlNode.ListNode items)) {
            String hint = node instanceof ScalarNode ? " (write [" + ((ScalarNode) node).text() + "] for a single item)" : "";
            return fail(node, path, "expected " + list.describe() + ", got " + node.describeForError() + hint, fallback);
        }
        List<Object> out = new ArrayList<>();
        Set<Object> seen = new LinkedHashSet<>();
        int before = issues.size();
        for (int i = 0; i < items.items().size(); i++) {
            YamlNode item = items.items().get(i);
            String itemPath = path + "[" + i + "]";
            int itemBefore = issues.size();
            Object value = bindValue(list.element(), item, null, itemPath, range);
            if (issues.size() > itemBefore) {
                continue;
            }
            // Enum lists are sets (components, metrics, backends): a repeat is a mistake, not a weight.
            if (list.element() instanceof EnumType && !seen.add(value)) {
                report(item, itemPath, "lists '" + ((SpecEnum) value).key() + "' more than once");
            }
            out.add(value);
        }
        return issues.size() > before ? fallback : List.copyOf(out);
    }

    private Object bindEnum(EnumType type, ScalarNode scalar, String path, Object fallback) {
        if (scalar.isNull()) {
            return fail(scalar, path, "has no value; expected one of: " + String.join(", ", type.keys()), fallback);
        }
        String typed = scalar.text().strip();
        var exact = type.byKey(typed);
        if (exact.isPresent()) {
            return exact.get();
        }
        var loose = type.byKey(typed.toLowerCase(Locale.ROOT).replace('-', '_'));
        if (loose.isPresent()) {
            return loose.get();
        }
        String hint = DidYouMean.suggest(typed, type.keys()).map(s -> " (did you mean '" + s + "'?)").orElse("");
        return fail(scalar, path, "unknown value '" + typed + "'; expected one of: " + String.join(", ", type.keys()) + hint, fallback);
    }

    private Object bindBoolean(ScalarNode scalar, String text, String path, Object fallback) {
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        return fail(scalar, path, "expected true or false, got " + scalar.describeForError(), fallback);
    }

    private Object bindInteger(Scalar.Kind kind, ScalarNode scalar, String text, String path, Range range, Object fallback) {
        BigDecimal value = NUMBER.matcher(text).matches() ? decimal(text) : null;
        if (value == null || value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            return fail(scalar, path, "expected an integer, got " + scalar.describeForError(), fallback);
        }
        boolean declaredMin = range != null && !Double.isInfinite(range.min());
        boolean declaredMax = range != null && !Double.isInfinite(range.max());
        BigDecimal min = BigDecimal.valueOf(kind == Scalar.Kind.INT ? Integer.MIN_VALUE : Long.MIN_VALUE);
        BigDecimal max = BigDecimal.valueOf(kind == Scalar.Kind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE);
        if (declaredMin) {
            min = min.max(BigDecimal.valueOf(range.min()));
        }
        if (declaredMax) {
            max = max.min(BigDecimal.valueOf(range.max()));
        }
        boolean below = value.compareTo(min) < 0;
        if (below || value.compareTo(max) > 0) {
            String lo = min.toBigInteger().toString();
            String hi = max.toBigInteger().toString();
            return fail(scalar, path, rangeMessage(below, declaredMin && declaredMax, lo, hi, text), fallback);
        }
        return kind == Scalar.Kind.INT ? (Object) value.intValueExact() : (Object) value.longValueExact();
    }

    /** The exact decimal, or null when the exponent is beyond what any spec value could mean (1e9999999999). */
    private static BigDecimal decimal(String text) {
        try {
            return new BigDecimal(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Object bindDouble(ScalarNode scalar, String text, String path, Range range, Object fallback) {
        if (NOT_FINITE.matcher(text).matches()) {
            return fail(scalar, path, "expected a finite number, got " + scalar.describeForError(), fallback);
        }
        if (!NUMBER.matcher(text).matches()) {
            return fail(scalar, path, "expected a number, got " + scalar.describeForError(), fallback);
        }
        double value = Double.parseDouble(text.replace("_", ""));
        if (Double.isInfinite(value)) {
            return fail(scalar, path, "expected a finite number, got " + scalar.describeForError(), fallback);
        }
        if (range != null && (value < range.min() || value > range.max())) {
            boolean both = !Double.isInfinite(range.min()) && !Double.isInfinite(range.max());
            return fail(scalar, path, rangeMessage(value < range.min(), both, number(range.min()), number(range.max()), text), fallback);
        }
        return value;
    }

    private static String rangeMessage(boolean below, boolean bounded, String lo, String hi, String got) {
        if (bounded) {
            return "must be between " + lo + " and " + hi + ", got " + got;
        }
        return below ? "must be at least " + lo + ", got " + got : "must be at most " + hi + ", got " + got;
    }

    /** A bound as people write it: 0, 0.5, 1 (not 0.0, 1.0E0). */
    static String number(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "infinity" : "-infinity";
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private void checkMultiplesOf8(Record record, MapNode map, String path) {
        // The VAE downsamples by 8 (and the UNet again by 8 in latent space for SD's three downsamplings).
        if (record instanceof Resolution r) {
            checkMultipleOf8(r.width(), map, KeyNames.join(path, "width"), "width");
            checkMultipleOf8(r.height(), map, KeyNames.join(path, "height"), "height");
        }
    }

    private void checkMultipleOf8(int value, MapNode map, String path, String key) {
        if (value % 8 != 0 && !badPaths.contains(path)) {
            Entry e = map.entries().get(key);
            YamlNode where = e != null ? e.value() : map;
            int lower = Math.max(8, value / 8 * 8);
            report(where, path, "must be a multiple of 8 (the VAE downsamples by 8), got " + value + "; try " + lower + " or " + (value / 8 * 8 + 8));
        }
    }

    private Record construct(Section section, Object[] values, YamlNode where, String path) {
        try {
            Class<?>[] types = section.keys().stream().map(k -> k.component().getType()).toArray(Class<?>[]::new);
            Constructor<? extends Record> ctor = section.recordClass().getDeclaredConstructor(types);
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            // A record's own validation (compact constructor) rejected the combination.
            Throwable cause = e.getCause();
            report(where, path, cause.getMessage() == null ? cause.toString() : cause.getMessage());
            return zeroRecord(section);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + section.recordClass(), e);
        }
    }

    private Object fail(YamlNode node, String path, String message, Object fallback) {
        report(node, path, message);
        return fallback;
    }

    private void report(YamlNode node, String path, String message) {
        issues.add(new SpecIssue(node.origin().file(), node.origin().line(), path, message));
        badPaths.add(path);
    }

    /** The static DEFAULT constant of a record, or null when it has none. */
    static Record defaultOf(Section section) {
        try {
            Object value = section.recordClass().getField("DEFAULT").get(null);
            return section.recordClass().isInstance(value) ? (Record) value : null;
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private Record zeroRecord(Section section) {
        Record d = defaultOf(section);
        if (d != null) {
            return d;
        }
        Object[] values = section.keys().stream().map(k -> zero(k.type())).toArray();
        try {
            Class<?>[] types = section.keys().stream().map(k -> k.component().getType()).toArray(Class<?>[]::new);
            return section.recordClass().getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct a placeholder " + section.recordClass(), e);
        }
    }

    private Object zero(SpecType type) {
        if (type instanceof Scalar s) {
            return switch (s.kind()) {
                case STRING -> "";
                case INT -> 0;
                case LONG -> 0L;
                case DOUBLE -> 0.0;
                case BOOLEAN -> false;
            };
        }
        if (type instanceof EnumType e) {
            return e.enumClass().getEnumConstants()[0];
        }
        if (type instanceof ListType) {
            return List.of();
        }
        return zeroRecord((Section) type);
    }
}
