package org.coverlab.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the main sources: no cycle between top-level packages of
 * {@code org.coverlab}, and each package imports only what the page allows. A scan of the source text (imports and
 * qualified names, comments removed) is enough here, because every cross-package reference in this code base is an
 * import or a qualified name.
 */
class PackageDependencyTest {

    private static final Path MAIN = Path.of("src/main/java/org/coverlab");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.coverlab\\.([a-z][a-z0-9_]*)");

    /** What each top-level package may use, as docs/architecture.md lists it (a package not named here may use nothing). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("util", Set.of()),
            Map.entry("spec", Set.of("util")),
            Map.entry("data", Set.of("spec", "util")),
            Map.entry("diffusion", Set.of("util")),
            Map.entry("model", Set.of("diffusion", "spec", "util")),
            Map.entry("metrics", Set.of("model", "data", "spec", "util")),
            Map.entry("training", Set.of("model", "diffusion", "data", "spec", "util")),
            Map.entry("run", Set.of("spec", "util")),
            Map.entry("report", Set.of("run", "metrics", "spec", "util")),
            Map.entry("track", Set.of("run", "spec", "util")),
            Map.entry("study", Set.of("run", "spec", "util")),
            Map.entry("bench", Set.of("training", "model", "diffusion", "data", "spec", "util")),
            Map.entry("stages", Set.of("run", "spec", "data", "model", "diffusion", "training", "metrics", "report", "util")),
            Map.entry("cli", Set.of("stages", "track", "study", "run", "spec", "data", "model", "diffusion", "training", "metrics",
                    "report", "bench", "util")));

    @Test
    void topLevelPackagesFormNoCycle() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        List<String> cycle = findCycle(graph);
        assertTrue(cycle.isEmpty(), "import cycle between top-level packages: " + String.join(" -> ", cycle));
    }

    @Test
    void everyPackageImportsOnlyWhatTheArchitecturePageAllows() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        List<String> violations = new ArrayList<>();
        graph.forEach((pkg, deps) -> {
            Set<String> allowed = ALLOWED.getOrDefault(pkg, Set.of());
            if (!ALLOWED.containsKey(pkg)) {
                violations.add(pkg + " is not on docs/architecture.md's package map");
            }
            for (String dep : deps) {
                if (!allowed.contains(dep)) {
                    violations.add(pkg + " uses " + dep);
                }
            }
        });
        assertEquals(List.of(), violations);
    }

    @Test
    void commentsAndStringsAreNotReferences() {
        assertEquals("import a.B;\n  x = \"\"; y = ''; ", codeOnly(
                "import a.B;\n/** {@link org.coverlab.cli.X} */ x = \"org.coverlab.cli \\\" //\"; y = '\"'; // org.coverlab.cli"));
    }

    @Test
    void theScanFindsACycleWhenThereIsOne() {
        Map<String, Set<String>> graph = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
                "d", Set.of("a")));
        assertEquals(List.of("a", "b", "c", "a"), findCycle(graph));
        assertEquals(List.of(), findCycle(Map.of("a", Set.of("b"), "b", Set.of())));
    }

    /** Top-level package -> the other top-level packages its main sources reference. */
    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file).getName(0).toString();
                if (pkg.endsWith(".java")) {
                    continue; // a class directly in org.coverlab
                }
                String code = codeOnly(Files.readString(file));
                Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** The source without comments, string and character literals (so javadoc links and messages do not count). */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                int end = source.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** One cycle as a path that returns to its start, or empty. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // 1 = on the current path, 2 = done
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> path = new ArrayList<>();
            if (visit(start, graph, state, path)) {
                String last = path.get(path.size() - 1);
                return new ArrayList<>(path.subList(path.indexOf(last), path.size()));
            }
        }
        return List.of();
    }

    private static boolean visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return false;
        }
        path.add(node);
        if (s != null) {
            return true; // back on the current path
        }
        state.put(node, 1);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            if (visit(next, graph, state, path)) {
                return true;
            }
        }
        state.put(node, 2);
        path.remove(path.size() - 1);
        return false;
    }
}
