package org.coverlab.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.YamlNode.Entry;
import org.coverlab.spec.YamlNode.ListNode;
import org.coverlab.spec.YamlNode.MapNode;
import org.coverlab.spec.YamlNode.Origin;
import org.coverlab.spec.YamlNode.ScalarNode;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into {@link YamlNode}s with line numbers, using Jackson's streaming YAML parser (the tree model
 * drops locations). Syntax errors, duplicate keys and several documents become {@link SpecIssue}s, never exceptions.
 */
final class YamlReader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "epochs:" with nothing after it has no value
            .build();

    private final String file;
    private final Path baseDir;
    private final boolean keepLines;
    private final List<SpecIssue> issues;
    private final Map<String, YamlNode> anchors = new java.util.HashMap<>();
    /** A YAML-level error (like a syntax error) that makes the whole document unusable. */
    private boolean broken;

    /**
     * @param file      display name used in issues
     * @param baseDir   folder relative paths written in this text resolve against
     * @param keepLines false for text that is not a file (a --set value): its nodes and issues then carry line 0
     * @param issues    where problems are collected
     */
    YamlReader(String file, Path baseDir, boolean keepLines, List<SpecIssue> issues) {
        this.file = file;
        this.baseDir = baseDir;
        this.keepLines = keepLines;
        this.issues = issues;
    }

    /** The single document of {@code text}; null when the text has no document or cannot be parsed. */
    YamlNode read(String text, String keyPathForIssues) {
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            YamlNode root = readValue(parser, first, keyPathForIssues);
            if (broken) {
                return null;
            }
            if (parser.nextToken() != null) {
                issues.add(new SpecIssue(file, keepLines ? parser.currentTokenLocation().getLineNr() : 0, keyPathForIssues,
                        "holds more than one YAML document ('---'); a spec is a single document"));
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            issues.add(syntaxIssue(e, e.getLocation(), keyPathForIssues));
            return null;
        } catch (IOException | RuntimeException e) {
            // SnakeYAML can throw its own unchecked exceptions for malformed input; they are still user errors.
            issues.add(syntaxIssue(e, null, keyPathForIssues));
            return null;
        }
    }

    private YamlNode readValue(YAMLParser p, JsonToken token, String path) throws IOException {
        Origin origin = origin(p.currentTokenLocation());
        if (p.isCurrentAlias()) {
            // Jackson hands an alias over as the anchor's name; substitute the anchored node as YAML means.
            YamlNode anchored = anchors.get(p.getText());
            if (anchored == null) {
                // Jackson does not report anchors on scalars, so only section and list anchors can be resolved.
                issues.add(new SpecIssue(file, origin.line(), path, "alias *" + p.getText()
                        + " cannot be resolved: give an anchor &" + p.getText() + " on a section or list above it (anchors on single values are not supported)"));
                broken = true;
                return new ScalarNode(origin, null);
            }
            return anchored;
        }
        String anchor = p.getCurrentAnchor();
        YamlNode node = readToken(p, token, origin, path);
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private YamlNode readToken(YAMLParser p, JsonToken token, Origin origin, String path) throws IOException {
        return switch (token) {
            case START_OBJECT -> readMap(p, origin, path);
            case START_ARRAY -> readList(p, origin, path);
            case VALUE_NULL -> new ScalarNode(origin, null);
            // Typed keys parse the text themselves, so a plain 5e-6 (a string to YAML 1.1) still reads as a number.
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> new ScalarNode(origin, p.getText());
            case VALUE_EMBEDDED_OBJECT -> {
                // Only !!binary produces one; a spec has no binary values.
                issues.add(new SpecIssue(file, origin.line(), path, "binary (!!binary) values are not supported in a spec"));
                yield new ScalarNode(origin, null);
            }
            default -> throw new IllegalStateException("unexpected YAML token " + token);
        };
    }

    private MapNode readMap(YAMLParser p, Origin origin, String path) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            Origin keyOrigin = origin(p.currentTokenLocation());
            YamlNode value = readValue(p, p.nextToken(), KeyNames.join(path, key));
            Entry previous = entries.get(key);
            if (previous != null) {
                issues.add(new SpecIssue(file, keyOrigin.line(), KeyNames.join(path, key),
                        "duplicate key (first given at line " + previous.keyOrigin().line() + ")"));
            } else {
                entries.put(key, new Entry(keyOrigin, value));
            }
        }
        return new MapNode(origin, entries);
    }

    private ListNode readList(YAMLParser p, Origin origin, String path) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            items.add(readValue(p, t, path + "[" + items.size() + "]"));
        }
        return new ListNode(origin, items);
    }

    private Origin origin(JsonLocation location) {
        return keepLines
                ? new Origin(file, baseDir, Math.max(location.getLineNr(), 0), Math.max(location.getColumnNr(), 0))
                : new Origin(file, baseDir, 0, 0);
    }

    private SpecIssue syntaxIssue(Exception e, JsonLocation location, String path) {
        MarkedYAMLException marked = findMarked(e);
        if (marked != null && marked.getProblemMark() != null) {
            Mark mark = marked.getProblemMark();
            String problem = marked.getProblem() == null ? firstLine(marked.getMessage()) : marked.getProblem();
            Mark started = marked.getContextMark();
            String context = marked.getContext() == null ? ""
                    : " (" + marked.getContext() + (started != null && keepLines && started.getLine() != mark.getLine()
                    ? " started at line " + (started.getLine() + 1) : "") + ")";
            return new SpecIssue(file, keepLines ? mark.getLine() + 1 : 0, path,
                    "invalid YAML at column " + (mark.getColumn() + 1) + ": " + problem + context);
        }
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (message != null && message.startsWith("Expected a field name")) {
            message = "keys must be plain scalars (a list or map used as a key is not a spec key)";
        }
        int line = location == null || !keepLines ? 0 : Math.max(location.getLineNr(), 0);
        String column = location == null || location.getColumnNr() <= 0 ? "" : " at column " + location.getColumnNr();
        return new SpecIssue(file, line, path, "invalid YAML" + column + ": " + firstLine(message));
    }

    private static MarkedYAMLException findMarked(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m) {
                return m;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "cannot be parsed";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
