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

    /** A config value as MLflow shows params: strings verbatim, collections and maps as JSON, null as "null". */
    static String paramValue(Object value) {
        String text;
        if (value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof Object[]) {
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
