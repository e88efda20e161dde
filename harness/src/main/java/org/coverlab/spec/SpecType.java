package org.coverlab.spec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The shape of a spec value, derived reflectively from the spec records so that a new record component is a new
 * YAML key with no other code to touch. Binder, writer, reference generator and {@code --set} all walk this.
 */
public sealed interface SpecType {

    /** Human name of the type, as used in messages and the reference ("an integer", "a list of strings"). */
    String describe();

    /** Short name for the reference table ("integer", "list of unet | text_encoder"). */
    String shortName();

    /** A plain scalar: string, integer, long, number or boolean. */
    record Scalar(Kind kind) implements SpecType {
        public enum Kind { STRING, INT, LONG, DOUBLE, BOOLEAN }

        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "a string";
                case INT, LONG -> "an integer";
                case DOUBLE -> "a number";
                case BOOLEAN -> "true or false";
            };
        }

        @Override
        public String shortName() {
            return switch (kind) {
                case STRING -> "string";
                case INT, LONG -> "integer";
                case DOUBLE -> "number";
                case BOOLEAN -> "boolean";
            };
        }
    }

    /** An enum implementing {@link SpecEnum}, spelled by its {@link SpecEnum#key()}. */
    record EnumType(Class<? extends Enum<?>> enumClass) implements SpecType {
        public List<String> keys() {
            return Arrays.stream(enumClass.getEnumConstants()).map(e -> ((SpecEnum) e).key()).toList();
        }

        public Optional<Enum<?>> byKey(String key) {
            return Arrays.stream(enumClass.getEnumConstants()).<Enum<?>>map(e -> e)
                    .filter(e -> ((SpecEnum) e).key().equals(key)).findFirst();
        }

        @Override
        public String describe() {
            return "one of " + String.join(", ", keys());
        }

        @Override
        public String shortName() {
            return String.join(" \\| ", keys());
        }
    }

    /** A YAML sequence of one element type. */
    record ListType(SpecType element) implements SpecType {
        @Override
        public String describe() {
            return "a list of " + plural(element);
        }

        @Override
        public String shortName() {
            return element instanceof EnumType e ? "list of (" + e.shortName() + ")" : "list of " + plural(element);
        }

        private static String plural(SpecType element) {
            if (element instanceof Scalar s) {
                return switch (s.kind()) {
                    case STRING -> "strings";
                    case INT, LONG -> "integers";
                    case DOUBLE -> "numbers";
                    case BOOLEAN -> "booleans";
                };
            }
            return element instanceof EnumType e ? "values (" + String.join(", ", e.keys()) + ")" : "sections";
        }
    }

    /** A nested section: one record. */
    record Section(Class<? extends Record> recordClass, List<Key> keys) implements SpecType {
        public Optional<Key> key(String name) {
            return keys.stream().filter(k -> k.name().equals(name)).findFirst();
        }

        public List<String> keyNames() {
            return keys.stream().map(Key::name).toList();
        }

        @Override
        public String describe() {
            return "a section (a map of keys: " + String.join(", ", keyNames()) + ")";
        }

        @Override
        public String shortName() {
            return "section";
        }
    }

    /** One key of a section: its YAML name, the record component behind it, its type and annotations. */
    record Key(String name, RecordComponent component, SpecType type) {
        public Optional<Range> range() {
            return Optional.ofNullable(component.getAnnotation(Range.class));
        }

        public String doc() {
            Doc doc = component.getAnnotation(Doc.class);
            return doc == null ? "" : doc.value();
        }

        public Object valueOf(Record record) {
            try {
                return component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
        }
    }

    /** The section type of a spec record (built on each call: a few dozen components, cheap next to any I/O). */
    static Section of(Class<? extends Record> recordClass) {
        return build(recordClass);
    }

    private static Section build(Class<?> recordClass) {
        List<Key> keys = new ArrayList<>();
        for (RecordComponent rc : recordClass.getRecordComponents()) {
            keys.add(new Key(KeyNames.snakeCase(rc.getName()), rc, typeOf(rc.getGenericType(), rc)));
        }
        @SuppressWarnings("unchecked")
        Class<? extends Record> rec = (Class<? extends Record>) recordClass;
        return new Section(rec, List.copyOf(keys));
    }

    @SuppressWarnings("unchecked")
    private static SpecType typeOf(Type type, RecordComponent where) {
        if (type == String.class) {
            return new Scalar(Scalar.Kind.STRING);
        } else if (type == int.class || type == Integer.class) {
            return new Scalar(Scalar.Kind.INT);
        } else if (type == long.class || type == Long.class) {
            return new Scalar(Scalar.Kind.LONG);
        } else if (type == double.class || type == Double.class) {
            return new Scalar(Scalar.Kind.DOUBLE);
        } else if (type == boolean.class || type == Boolean.class) {
            return new Scalar(Scalar.Kind.BOOLEAN);
        } else if (type instanceof Class<?> c && c.isEnum() && SpecEnum.class.isAssignableFrom(c)) {
            return new EnumType((Class<? extends Enum<?>>) c);
        } else if (type instanceof Class<?> c && c.isRecord()) {
            return of((Class<? extends Record>) c);
        } else if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            return new ListType(typeOf(p.getActualTypeArguments()[0], where));
        }
        // A programmer error: a spec record got a component type the binder cannot read from YAML.
        throw new IllegalStateException("spec component " + where + " has unsupported type " + type
                + "; use String, int, long, double, boolean, a SpecEnum, a record or a List of those");
    }
}
