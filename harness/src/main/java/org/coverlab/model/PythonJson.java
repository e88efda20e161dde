package org.coverlab.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Serialises JSON the way diffusers and transformers write config.json ({@code json.dumps(d, indent=2,
 * sort_keys=True) + "\n"}): two-space indent, sorted keys, Python float repr, ASCII-only strings. Saved configs
 * therefore diff cleanly against the originals.
 */
public final class PythonJson {
    private PythonJson() {
    }

    public static String write(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        append(sb, node, 0);
        return sb.append('\n').toString();
    }

    private static void append(StringBuilder sb, JsonNode n, int depth) {
        if (n.isObject()) {
            if (n.isEmpty()) {
                sb.append("{}");
                return;
            }
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            sb.append("{\n");
            for (int i = 0; i < keys.size(); i++) {
                indent(sb, depth + 1);
                string(sb, keys.get(i));
                sb.append(": ");
                append(sb, n.get(keys.get(i)), depth + 1);
                sb.append(i < keys.size() - 1 ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append('}');
        } else if (n.isArray()) {
            if (n.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            Iterator<JsonNode> it = n.elements();
            while (it.hasNext()) {
                indent(sb, depth + 1);
                append(sb, it.next(), depth + 1);
                sb.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append(']');
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else if (n.isFloatingPointNumber()) {
            sb.append(pythonFloat(n.doubleValue()));
        } else if (n.isNull()) {
            sb.append("null");
        } else {
            sb.append(n.asText());
        }
    }

    /** Python's repr(float): shortest round-trip digits, scientific outside 1e-4 <= |x| < 1e16. */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = d.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth));
    }

}
