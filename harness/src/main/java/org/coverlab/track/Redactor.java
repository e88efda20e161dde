package org.coverlab.track;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it reaches a log line, an exception message, a file in the run directory or a
 * report. It knows the literal secrets it was built with (and their HTTP Basic encodings, which is how an API key
 * travels), and it always strips URL user-info and query strings, which is where signed upload URLs carry tokens.
 * Immutable and thread-safe.
 */
public final class Redactor {

    public static final String MASK = "***";
    /** Secrets shorter than this are not masked: masking "a" everywhere would wreck messages without protecting anything. */
    private static final int MIN_SECRET_LENGTH = 4;
    private static final Pattern URL = Pattern.compile("(?i)\\b(https?://)([^/\\s?#@]+@)?([^\\s?#]*)(\\?[^\\s#\"']*)?");

    private final List<String> needles;

    private Redactor(List<String> needles) {
        this.needles = needles;
    }

    /** A redactor for the given secrets; nulls and blanks are ignored. */
    public static Redactor of(String... secrets) {
        List<String> needles = new ArrayList<>();
        for (String secret : secrets) {
            if (secret == null || secret.isBlank() || secret.length() < MIN_SECRET_LENGTH) {
                continue;
            }
            needles.add(secret);
            // The forms a key takes on the wire: Basic auth for user "api" and for the key alone.
            needles.add(base64("api:" + secret));
            needles.add(base64(secret));
        }
        // Longest first, so a secret that contains another is masked whole.
        needles.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(needles));
    }

    /**
     * A redactor for exactly these texts, whatever their length and without derived forms: for callers that know the
     * wire forms of their secrets themselves (an MLflow "user:password" Basic pair). Nulls and blanks are ignored.
     */
    public static Redactor ofExact(String... texts) {
        List<String> needles = new ArrayList<>();
        for (String text : texts) {
            if (text != null && !text.isBlank()) {
                needles.add(text);
            }
        }
        needles.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(needles));
    }

    /** A redactor with no literal secrets: still strips URL user-info and query strings. */
    public static Redactor none() {
        return new Redactor(List.of());
    }

    /** This redactor plus more secrets. */
    public Redactor with(String... secrets) {
        List<String> all = new ArrayList<>(needles);
        Redactor extra = of(secrets);
        all.addAll(extra.needles);
        all.sort(Comparator.comparingInt(String::length).reversed());
        return new Redactor(List.copyOf(all));
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String needle : needles) {
            out = out.replace(needle, MASK);
        }
        return stripUrlSecrets(out);
    }

    /** One-line description of a failure and its causes ("IOException: ...; caused by ..."), redacted. */
    public String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable current = error;
        int depth = 0;
        while (current != null && depth < 8) {
            if (depth > 0) {
                text.append("; caused by ");
            }
            text.append(current.getClass().getSimpleName());
            if (current.getMessage() != null) {
                text.append(": ").append(current.getMessage());
            }
            current = current.getCause() == current ? null : current.getCause();
            depth++;
        }
        return redact(text.toString());
    }

    /**
     * A copy of the failure safe to log or rethrow: same class names and stack frames, messages redacted, causes
     * copied the same way. Third-party exceptions (OkHttp's) put URLs into their messages, so they never leave a sink
     * unsanitized.
     */
    public RedactedException sanitize(Throwable error) {
        if (error == null) {
            return null;
        }
        RedactedException cause = error.getCause() == null || error.getCause() == error ? null : sanitize(error.getCause());
        String message = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + redact(error.getMessage()));
        RedactedException copy = new RedactedException(message, cause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    /** A URL safe to print: user-info and query removed. */
    public static String safeUrl(String url) {
        return stripUrlSecrets(Objects.toString(url));
    }

    private static String stripUrlSecrets(String text) {
        Matcher matcher = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement = matcher.group(1) + (matcher.group(2) == null ? "" : MASK + "@") + matcher.group(3)
                    + (matcher.group(4) == null ? "" : "?" + MASK);
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A failure whose message has been redacted; its message starts with the original exception's class name. */
    public static final class RedactedException extends Exception {
        public RedactedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
