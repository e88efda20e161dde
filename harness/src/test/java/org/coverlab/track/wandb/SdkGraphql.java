package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a GraphQL request against the wandb SDK's own operation documents ({@code conformance/wandb/sdk-graphql.json},
 * extracted from the SDK's core binary by scripts/refvectors/wandb_graphql.py): the operation must be one the SDK
 * sends, and every variable (with its type), every field it selects, every argument and every input-object field
 * written in the document must exist in the SDK's version of that operation, mapped to the same variable. Input
 * objects passed whole as a variable ({@code $input: CreateArtifactInput!}) are checked key by key against what the
 * SDK itself sent for that operation (captured by scripts/refvectors/wandb_wire.py in {@code sdk-wire*.json}).
 *
 * <p>A GraphQL server rejects an unknown field or input field, so any difference here is a request that would fail
 * on a real W&B server. The parser covers the language the documents use (operations, fragments, inline fragments,
 * arguments, object/list values, directives); type conditions are merged, which is enough to check existence.
 */
public final class SdkGraphql {

    private static final Map<String, Operation> SDK = new LinkedHashMap<>();
    /** Keys the SDK sends in object-valued variables, by operation and JSON path ("CreateArtifact.input"). */
    private static final Map<String, Set<String>> SDK_INPUT_KEYS = new LinkedHashMap<>();

    static {
        JsonNode docs = resource("sdk-graphql.json");
        docs.path("operations").properties().forEach(e -> SDK.put(e.getKey(), parse(e.getValue().asText())));
        for (String capture : List.of("sdk-wire.json", "sdk-wire-resume.json", "sdk-wire-artifact.json")) {
            for (JsonNode request : resource(capture).path("requests")) {
                JsonNode body = request.path("body");
                if (!request.path("path").asText().equals("/graphql") || !body.has("variables")) {
                    continue;
                }
                String name = parse(body.path("query").asText()).name;
                body.path("variables").properties().forEach(v -> collectKeys(name + "." + v.getKey(), v.getValue()));
            }
        }
    }

    private SdkGraphql() {}

    /** The SDK's version of an operation, for tests. */
    static boolean sdkHas(String operation) {
        return SDK.containsKey(operation);
    }

    /** Every difference between a request coverlab sends and the SDK's operation of the same name; empty when none. */
    public static List<String> problems(String query, JsonNode variables) {
        List<String> problems = new ArrayList<>();
        Operation ours;
        try {
            ours = parse(query);
        } catch (IllegalArgumentException e) {
            return List.of("not a GraphQL document: " + e.getMessage());
        }
        Operation sdk = SDK.get(ours.name);
        if (sdk == null) {
            return List.of("operation " + ours.name + " is not one the wandb SDK sends");
        }
        String where = ours.name + ": ";
        if (!sdk.kind.equals(ours.kind)) {
            problems.add(where + "is a " + ours.kind + ", the SDK's a " + sdk.kind);
        }
        ours.variables.forEach((name, type) -> {
            String theirs = sdk.variables.get(name);
            if (theirs == null) {
                problems.add(where + "variable $" + name + " is not declared by the SDK");
            } else if (!theirs.equals(type)) {
                problems.add(where + "variable $" + name + " is " + type + ", the SDK's is " + theirs);
            }
        });
        compare(where, ours.root, sdk.root, problems);
        if (variables != null && variables.isObject()) {
            variables.properties().forEach(v -> {
                if (!ours.variables.containsKey(v.getKey())) {
                    problems.add(where + "sends variable " + v.getKey() + " that the document does not declare");
                } else {
                    checkKeys(where, ours.name + "." + v.getKey(), v.getValue(), problems);
                }
            });
        }
        return problems;
    }

    private static void compare(String path, Selection ours, Selection sdk, List<String> problems) {
        ours.fields.forEach((name, field) -> {
            Field theirs = sdk.fields.get(name);
            if (theirs == null) {
                problems.add(path + "selects field " + name + ", which the SDK's document does not");
                return;
            }
            field.args.forEach((arg, value) -> {
                Value their = theirs.args.get(arg);
                if (their == null) {
                    problems.add(path + name + "(" + arg + ":) is not an argument in the SDK's document");
                } else {
                    compareValue(path + name + "(" + arg + ")", value, their, problems);
                }
            });
            compare(path + name + ".", field.children, theirs.children, problems);
        });
    }

    private static void compareValue(String path, Value ours, Value sdk, List<String> problems) {
        if (ours instanceof Value.Variable v && !(sdk instanceof Value.Variable s && s.name.equals(v.name))) {
            problems.add(path + " takes $" + v.name + ", the SDK's takes " + sdk);
        } else if (ours instanceof Value.Object o) {
            if (!(sdk instanceof Value.Object s)) {
                problems.add(path + " is an input object, the SDK's is " + sdk);
                return;
            }
            o.fields.forEach((key, value) -> {
                Value their = s.fields.get(key);
                if (their == null) {
                    problems.add(path + " has input field " + key + ", which the SDK's input does not");
                } else {
                    compareValue(path + "." + key, value, their, problems);
                }
            });
        }
    }

    private static void collectKeys(String path, JsonNode value) {
        if (value.isObject()) {
            Set<String> keys = SDK_INPUT_KEYS.computeIfAbsent(path, k -> new LinkedHashSet<>());
            value.properties().forEach(e -> {
                keys.add(e.getKey());
                collectKeys(path + "." + e.getKey(), e.getValue());
            });
        } else if (value.isArray()) {
            value.forEach(item -> collectKeys(path + "[]", item));
        }
    }

    private static void checkKeys(String where, String path, JsonNode value, List<String> problems) {
        Set<String> known = SDK_INPUT_KEYS.get(path);
        if (value.isObject() && known != null) {
            value.properties().forEach(e -> {
                if (!known.contains(e.getKey())) {
                    problems.add(where + path.substring(path.indexOf('.') + 1) + " has key " + e.getKey()
                            + ", which the SDK never sends there");
                } else {
                    checkKeys(where, path + "." + e.getKey(), e.getValue(), problems);
                }
            });
        } else if (value.isArray()) {
            value.forEach(item -> checkKeys(where, path + "[]", item, problems));
        }
    }

    private static JsonNode resource(String name) {
        try (InputStream in = SdkGraphql.class.getResourceAsStream("/conformance/wandb/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource conformance/wandb/" + name);
            }
            return FakeWandbServer.JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the document model and its parser ----

    static final class Operation {
        String kind;
        String name = "";
        final Map<String, String> variables = new LinkedHashMap<>();
        final Selection root = new Selection();
    }

    static final class Selection {
        final Map<String, Field> fields = new LinkedHashMap<>();
        /** Fragment spreads, resolved once the whole document is read. */
        final List<String> spreads = new ArrayList<>();
    }

    static final class Field {
        final Map<String, Value> args = new LinkedHashMap<>();
        final Selection children = new Selection();
    }

    sealed interface Value {
        record Variable(String name) implements Value {
            @Override
            public String toString() {
                return "$" + name;
            }
        }

        record Object(Map<String, Value> fields) implements Value {}

        record Literal(String text) implements Value {}
    }

    static Operation parse(String document) {
        return new Parser(document).document();
    }

    private static final class Parser {
        private final List<String> tokens = new ArrayList<>();
        private int at;
        private final Map<String, Selection> fragments = new LinkedHashMap<>();

        Parser(String text) {
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c) || c == ',' || c == '\uFEFF') {
                    i++;
                } else if (c == '#') {
                    while (i < text.length() && text.charAt(i) != '\n') {
                        i++;
                    }
                } else if (text.startsWith("...", i)) {
                    tokens.add("...");
                    i += 3;
                } else if ("!$():=@[]{}|".indexOf(c) >= 0) {
                    tokens.add(String.valueOf(c));
                    i++;
                } else if (c == '"') {
                    int j = i + 1;
                    while (j < text.length() && text.charAt(j) != '"') {
                        j += text.charAt(j) == '\\' ? 2 : 1;
                    }
                    tokens.add(text.substring(i, Math.min(j + 1, text.length())));
                    i = j + 1;
                } else if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                    int j = i;
                    while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || "_.-+".indexOf(text.charAt(j)) >= 0)) {
                        j++;
                    }
                    tokens.add(text.substring(i, j));
                    i = j;
                } else {
                    throw new IllegalArgumentException("unexpected character '" + c + "' at " + i);
                }
            }
        }

        Operation document() {
            Operation operation = null;
            while (at < tokens.size()) {
                String word = next();
                if (word.equals("fragment")) {
                    String name = next();
                    expect("on");
                    next();
                    directives();
                    fragments.put(name, selectionSet());
                } else if (word.equals("query") || word.equals("mutation") || word.equals("subscription")) {
                    if (operation != null) {
                        throw new IllegalArgumentException("more than one operation");
                    }
                    operation = new Operation();
                    operation.kind = word;
                    if (!peek().equals("(") && !peek().equals("{") && !peek().equals("@")) {
                        operation.name = next();
                    }
                    if (peek().equals("(")) {
                        next();
                        while (!peek().equals(")")) {
                            expect("$");
                            String name = next();
                            expect(":");
                            operation.variables.put(name, type());
                            if (peek().equals("=")) {
                                next();
                                value();
                            }
                            directives();
                        }
                        next();
                    }
                    directives();
                    Selection root = selectionSet();
                    operation.root.fields.putAll(root.fields);
                    operation.root.spreads.addAll(root.spreads);
                } else {
                    throw new IllegalArgumentException("expected an operation or fragment, found '" + word + "'");
                }
            }
            if (operation == null) {
                throw new IllegalArgumentException("no operation");
            }
            resolve(operation.root, 0);
            return operation;
        }

        private void resolve(Selection selection, int depth) {
            if (depth > 50) {
                throw new IllegalArgumentException("fragments nest too deep");
            }
            for (String spread : selection.spreads) {
                Selection fragment = fragments.get(spread);
                if (fragment == null) {
                    throw new IllegalArgumentException("unknown fragment " + spread);
                }
                resolve(fragment, depth + 1);
                merge(selection, fragment);
            }
            selection.spreads.clear();
            selection.fields.values().forEach(f -> resolve(f.children, depth + 1));
        }

        private static void merge(Selection into, Selection from) {
            from.fields.forEach((name, field) -> {
                Field existing = into.fields.get(name);
                if (existing == null) {
                    into.fields.put(name, field);
                } else {
                    existing.args.putAll(field.args);
                    merge(existing.children, field.children);
                }
            });
        }

        private String type() {
            StringBuilder type = new StringBuilder();
            if (peek().equals("[")) {
                next();
                type.append('[').append(type());
                expect("]");
                type.append(']');
            } else {
                type.append(next());
            }
            if (peek().equals("!")) {
                next();
                type.append('!');
            }
            return type.toString();
        }

        private Selection selectionSet() {
            expect("{");
            Selection selection = new Selection();
            while (!peek().equals("}")) {
                if (peek().equals("...")) {
                    next();
                    if (peek().equals("on")) {
                        next();
                        next();
                        directives();
                        merge(selection, selectionSet());
                    } else if (peek().equals("{") || peek().equals("@")) {
                        directives();
                        merge(selection, selectionSet());
                    } else {
                        selection.spreads.add(next());
                        directives();
                    }
                    continue;
                }
                String name = next();
                if (peek().equals(":")) { // an alias: the field is what follows
                    next();
                    name = next();
                }
                Field field = new Field();
                if (peek().equals("(")) {
                    next();
                    while (!peek().equals(")")) {
                        String arg = next();
                        expect(":");
                        field.args.put(arg, value());
                    }
                    next();
                }
                directives();
                if (peek().equals("{")) {
                    Selection children = selectionSet();
                    field.children.fields.putAll(children.fields);
                    field.children.spreads.addAll(children.spreads);
                }
                selection.fields.merge(name, field, (a, b) -> {
                    a.args.putAll(b.args);
                    merge(a.children, b.children);
                    a.children.spreads.addAll(b.children.spreads);
                    return a;
                });
            }
            next();
            return selection;
        }

        private void directives() {
            while (peek().equals("@")) {
                next();
                next();
                if (peek().equals("(")) {
                    next();
                    while (!peek().equals(")")) {
                        next();
                        expect(":");
                        value();
                    }
                    next();
                }
            }
        }

        private Value value() {
            String token = next();
            switch (token) {
                case "$" -> {
                    return new Value.Variable(next());
                }
                case "[" -> {
                    StringBuilder text = new StringBuilder("[");
                    while (!peek().equals("]")) {
                        text.append(value()).append(' ');
                    }
                    next();
                    return new Value.Literal(text.append(']').toString());
                }
                case "{" -> {
                    Map<String, Value> fields = new LinkedHashMap<>();
                    while (!peek().equals("}")) {
                        String key = next();
                        expect(":");
                        fields.put(key, value());
                    }
                    next();
                    return new Value.Object(fields);
                }
                default -> {
                    return new Value.Literal(token);
                }
            }
        }

        private String peek() {
            if (at >= tokens.size()) {
                throw new IllegalArgumentException("unexpected end of document");
            }
            return tokens.get(at);
        }

        private String next() {
            String token = peek();
            at++;
            return token;
        }

        private void expect(String token) {
            String found = next();
            if (!found.equals(token)) {
                throw new IllegalArgumentException("expected '" + token + "', found '" + found + "'");
            }
        }
    }
}
