package org.coverlab.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed caption template such as "A {legible} book cover of {title} by {author}". Parsing checks every placeholder
 * against the fields a caption is given, so a typo fails at load time with the template named, not as a wrong caption
 * in epoch 3 (the original's templates were given the wrong number of fields). {{ and }} are literal braces.
 */
public final class CaptionTemplate {

    /** The fields every caption is given. */
    public static final Set<String> FIELDS = Set.of("title", "author", "genre", "genres", "legible", "description");

    private final String source;
    private final List<String> parts; // even index: literal, odd index: field name
    private final Set<String> used;

    private CaptionTemplate(String source, List<String> parts, Set<String> used) {
        this.source = source;
        this.parts = parts;
        this.used = used;
    }

    /** @param label how to name the template in errors, e.g. "dataset.captions.templates[2]" */
    public static CaptionTemplate parse(String source, String label) {
        if (source == null || source.isBlank()) {
            throw new DataException(label + ": caption template is empty");
        }
        List<String> parts = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '{' && i + 1 < source.length() && source.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < source.length() && source.charAt(i + 1) == '}') {
                literal.append('}');
                i += 2;
            } else if (c == '{') {
                int end = source.indexOf('}', i);
                if (end < 0) {
                    throw new DataException(label + ": caption template \"" + source + "\" has an unclosed '{' at column " + (i + 1));
                }
                String name = source.substring(i + 1, end).trim();
                if (!FIELDS.contains(name)) {
                    throw new DataException(label + ": caption template \"" + source + "\" uses unknown placeholder {" + name
                            + "}; known placeholders: " + String.join(", ", new java.util.TreeSet<>(FIELDS))
                            + " (write {{ or }} for a literal brace)");
                }
                parts.add(literal.toString());
                literal.setLength(0);
                parts.add(name);
                used.add(name);
                i = end + 1;
            } else if (c == '}') {
                throw new DataException(label + ": caption template \"" + source + "\" has an unmatched '}' at column " + (i + 1));
            } else {
                literal.append(c);
                i++;
            }
        }
        parts.add(literal.toString());
        return new CaptionTemplate(source, List.copyOf(parts), Set.copyOf(used));
    }

    public String source() {
        return source;
    }

    public boolean uses(String field) {
        return used.contains(field);
    }

    /**
     * Substitutes fields (all of {@link #FIELDS} must be present). An empty field takes its clause with it: the word
     * that introduces it ("for {title}", "by {author}", "title {title}") and the comma it leaves, so a row without a
     * title reads "A Fiction book cover by Donna Tartt", not "... cover for by Donna Tartt".
     */
    public String render(Map<String, String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i % 2 == 0) {
                sb.append(parts.get(i));
            } else {
                String v = values.get(parts.get(i));
                if (v == null) {
                    throw new IllegalArgumentException("no value for {" + parts.get(i) + "}");
                }
                if (v.isBlank()) {
                    Matcher m = CONNECTOR.matcher(sb);
                    if (m.find()) {
                        sb.setLength(m.start());
                        sb.append(' ');
                    }
                } else {
                    sb.append(v);
                }
            }
        }
        return tidy(sb.toString());
    }

    /** Words that only introduce the field after them, at the end of the text before an empty field. */
    private static final Pattern CONNECTOR = Pattern.compile(
            "(?i)(?<![\\p{L}])(?:written by|by|for|of|with|about|called|titled|title|authors?|genres?)\\s*$");

    /**
     * Collapses runs of whitespace, removes spaces before punctuation ("A  book" -> "A book") and the commas an empty
     * field leaves ("Book cover, , title X" -> "Book cover, title X"; a trailing ", " goes).
     */
    static String tidy(String s) {
        String t = s.replaceAll("\\s+", " ").replaceAll(" ([,.;:!?])", "$1");
        t = t.replaceAll(",(\\s*,)+", ",").replaceAll(",\\s*([.;:!?])", "$1");
        return t.replaceAll("^[\\s,;:]+", "").replaceAll("[\\s,;:]+$", "").trim();
    }

    @Override
    public String toString() {
        return source;
    }
}
