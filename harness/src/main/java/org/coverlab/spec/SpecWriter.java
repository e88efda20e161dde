package org.coverlab.spec;

import java.util.List;
import org.coverlab.spec.SpecType.EnumType;
import org.coverlab.spec.SpecType.Key;
import org.coverlab.spec.SpecType.ListType;
import org.coverlab.spec.SpecType.Scalar;
import org.coverlab.spec.SpecType.Section;

/**
 * Writes a spec as canonical YAML: every key, in record order, snake_case, two-space indentation, strings always
 * double-quoted, enum and number lists in flow style. The same spec always gives the same bytes, and
 * {@code SpecLoader.loadText(SpecWriter.toYaml(s), ...)} gives back {@code s} (the canonical form is what a run stores
 * and what {@link SpecHash} hashes).
 */
public final class SpecWriter {
    private static final java.util.regex.Pattern YAML11_WORDS =
            java.util.regex.Pattern.compile("(?i)y|n|yes|no|on|off|true|false|null|~");
    private SpecWriter() {
    }

    public static String toYaml(ExperimentSpec spec) {
        StringBuilder out = new StringBuilder(4096);
        writeSection(out, SpecType.of(ExperimentSpec.class), spec, 0);
        return out.toString();
    }

    private static void writeSection(StringBuilder out, Section section, Record record, int indent) {
        for (Key key : section.keys()) {
            Object value = key.valueOf(record);
            out.append("  ".repeat(indent)).append(key.name()).append(':');
            if (key.type() instanceof Section nested) {
                out.append('\n');
                writeSection(out, nested, (Record) value, indent + 1);
            } else if (key.type() instanceof ListType list) {
                writeList(out, list, (List<?>) value, indent);
            } else {
                out.append(' ').append(scalar(key.type(), value)).append('\n');
            }
        }
    }

    private static void writeList(StringBuilder out, ListType list, List<?> values, int indent) {
        if (values.isEmpty()) {
            out.append(" []\n");
        } else if (list.element() instanceof Scalar s && s.kind() == Scalar.Kind.STRING) {
            out.append('\n');
            for (Object v : values) {
                out.append("  ".repeat(indent + 1)).append("- ").append(quote((String) v)).append('\n');
            }
        } else if (list.element() instanceof Section nested) {
            out.append('\n');
            for (Object v : values) {
                StringBuilder item = new StringBuilder();
                writeSection(item, nested, (Record) v, indent + 2);
                String text = item.toString();
                int cut = (indent + 2) * 2;
                out.append("  ".repeat(indent + 1)).append("- ").append(text.substring(cut));
            }
        } else {
            out.append(" [");
            for (int i = 0; i < values.size(); i++) {
                out.append(i == 0 ? "" : ", ").append(scalar(list.element(), values.get(i)));
            }
            out.append("]\n");
        }
    }

    private static String scalar(SpecType type, Object value) {
        if (type instanceof EnumType) {
            String key = ((SpecEnum) value).key();
            // mixed_precision: no is false to YAML 1.1 readers (PyYAML); quoted, every reader sees the word.
            return YAML11_WORDS.matcher(key).matches() ? quote(key) : key;
        }
        if (type instanceof Scalar s && s.kind() == Scalar.Kind.STRING) {
            return quote((String) value);
        }
        if (value instanceof Double d) {
            return number(d);
        }
        return String.valueOf(value);
    }

    /**
     * Double.toString (exact: parsing it back gives the same double) with a signed lowercase exponent, the form
     * YAML 1.1 readers such as PyYAML also take for a float (5.0e-6, 1.0e+20).
     */
    static String number(double d) {
        String s = Double.toString(d);
        int e = s.indexOf('E');
        if (e < 0) {
            return s;
        }
        String exponent = s.substring(e + 1);
        return s.substring(0, e) + "e" + (exponent.startsWith("-") ? exponent : "+" + exponent);
    }

    /** A YAML double-quoted scalar; escapes everything YAML would fold, strip or refuse. */
    static String quote(String s) {
        StringBuilder q = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> {
                    if (printable(c)) {
                        q.append(c);
                    } else {
                        q.append(String.format("\\u%04X", (int) c));
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    /** YAML 1.1 printable characters, minus the line breaks (NEL, LS, PS) and BOM that quoting would fold or drop. */
    private static boolean printable(char c) {
        if (Character.isSurrogate(c)) {
            return true; // pairs are written as the UTF-8 of their code point
        }
        return c >= 0x20 && c <= 0x7E || c >= 0xA0 && c <= 0xFFFD && c != 0x2028 && c != 0x2029 && c != 0xFEFF;
    }
}
