package org.coverlab.track.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * MLflow's rules for names and values, checked before sending so that one bad config key cannot make a whole log-batch
 * fail (the server rejects the batch, and a sender retrying it would stall the run's sync forever).
 *
 * <ul>
 *   <li>Metric, param and tag keys: at most 250 characters of letters, digits, {@code _ - . / space}, and not
 *       path-like in an ambiguous way ({@code a//b}, {@code ../a}, {@code /a}, {@code a/}); invalid keys are skipped with a
 *       warning, never renamed (a renamed key could collide with a real one).</li>
 *   <li>Param values: at most 6000 characters; longer values are cut to 6000 ending in {@value #TRUNCATION_MARK}. The
 *       cut is deterministic, so a resumed run re-logs the identical value.</li>
 *   <li>Tag values: cut the same way at 5000 characters (the smallest limit across MLflow 2.x and 3.x).</li>
 * </ul>
 */
final class MlflowNames {

    static final int MAX_KEY_LENGTH = 250;
    static final int MAX_PARAM_VALUE_LENGTH = 6000;
    static final int MAX_TAG_VALUE_LENGTH = 5000;
    static final String TRUNCATION_MARK = "...[truncated by coverlab]";

    private static final Pattern KEY = Pattern.compile("^[/\\w.\\- ]*$", Pattern.UNICODE_CHARACTER_CLASS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private MlflowNames() {}

    /** Why {@code key} cannot be an MLflow key, or empty when it can. */
    static Optional<String> keyProblem(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("empty key");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            return Optional.of("longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (!KEY.matcher(key).matches()) {
            return Optional.of("only letters, digits, '_', '-', '.', '/' and spaces are allowed");
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("//") || key.equals(".") || key.equals("..")
                || key.startsWith("./") || key.startsWith("../") || key.contains("/./") || key.contains("/../")
                || key.endsWith("/.") || key.endsWith("/..")) {
            return Optional.of("MLflow refuses keys that are ambiguous as file paths");
        }
        return Optional.empty();
    }

    /**
     * A config value as MLflow shows params: strings verbatim, collections and maps as JSON, null as "null", floating
     * point numbers as Python's str() writes them ({@code 5e-06}, {@code 0.0001}, {@code 1.0}), so a param compares
     * equal to the same run logged from Python.
     */
    static String paramValue(Object value) {
        String text;
        if (value instanceof Double || value instanceof Float) {
            text = pythonFloat(((Number) value).doubleValue());
        } else if (value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof Object[]) {
            try {
                text = JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                text = String.valueOf(value);
            }
        } else {
            text = String.valueOf(value);
        }
        return cut(text, MAX_PARAM_VALUE_LENGTH);
    }

    /**
     * Python's repr of a float: the shortest digits that round-trip (as Java's), positional for exponents -4..15,
     * else scientific with at least two exponent digits ({@code 1e-05}, {@code 1.5e+16}).
     */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale(); // of the first digit
        String sign = v < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = d.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(java.util.Locale.ROOT, "%02d", Math.abs(exponent));
    }

    static String tagValue(String value) {
        return cut(value, MAX_TAG_VALUE_LENGTH);
    }

    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int keep = max - TRUNCATION_MARK.length();
        // Do not split a surrogate pair: the server would see a lone half.
        if (Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--;
        }
        return text.substring(0, keep) + TRUNCATION_MARK;
    }

    /** A journal-supplied name made safe as one artifact path segment. */
    static String pathSegment(String name) {
        String s = name.replaceAll("[^\\w.\\-]+", "_").replaceAll("^\\.+", "_");
        return s.isEmpty() ? "_" : s;
    }
}
