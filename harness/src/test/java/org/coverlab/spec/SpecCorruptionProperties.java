package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.coverlab.spec.SpecType.EnumType;
import org.coverlab.spec.SpecType.Key;
import org.coverlab.spec.SpecType.ListType;
import org.coverlab.spec.SpecType.Scalar;
import org.coverlab.spec.SpecType.Section;

/**
 * Corrupting a valid spec's YAML is always answered with a {@link SpecException} whose issues point at the corrupted
 * key and line (never another exception type), and damage that may or may not keep the YAML valid (deleted
 * characters or lines) either loads or is a SpecException, never anything else.
 */
class SpecCorruptionProperties {
    private static final Path AS_FILE = Path.of("/tmp/coverlab-spec-props/spec.yaml");
    private static final SpecLoader.Options OPTIONS = SpecLoader.Options.defaults().withoutFileChecks();

    enum Corruption { UNKNOWN_KEY, WRONG_TYPE, OUT_OF_RANGE, BAD_ENUM_VALUE, NOT_MULTIPLE_OF_8 }

    /** A line of canonical YAML that holds a key: its index, dotted path and schema key. */
    record KeyLine(int index, int indent, String path, Key key) {
    }

    @Provide
    Arbitrary<ExperimentSpec> specs() {
        return SpecArbitraries.specs();
    }

    @Property(tries = 200)
    void corruptedKeyIsRejectedAtItsKeyAndLine(@ForAll("specs") ExperimentSpec spec, @ForAll Corruption corruption,
                                               @ForAll @IntRange(min = 0, max = 100_000) int pick) {
        List<String> lines = new ArrayList<>(SpecWriter.toYaml(spec).lines().toList());
        List<KeyLine> keys = keyLines(lines);
        List<KeyLine> candidates = keys.stream().filter(k -> applies(corruption, k)).toList();
        KeyLine target = candidates.get(pick % candidates.size());
        String pad = "  ".repeat(target.indent());
        String expectedPath = target.path();
        int expectedLine = target.index() + 1;
        switch (corruption) {
            case UNKNOWN_KEY -> {
                lines.add(target.index(), pad + target.key().name() + "_zz: 1");
                expectedPath = target.path() + "_zz";
            }
            case WRONG_TYPE -> replaceValue(lines, target, wrongTypeValue(target.key().type()));
            case OUT_OF_RANGE -> replaceValue(lines, target, outOfRange(target.key()));
            case BAD_ENUM_VALUE -> {
                boolean list = target.key().type() instanceof ListType;
                replaceValue(lines, target, list ? "[bogus_value]" : "bogus_value");
                expectedPath = list ? target.path() + "[0]" : target.path();
            }
            case NOT_MULTIPLE_OF_8 -> replaceValue(lines, target, "65");
        }
        String yaml = String.join("\n", lines) + "\n";
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.loadText(yaml, AS_FILE, List.of(), OPTIONS), yaml);
        String path = expectedPath;
        int line = expectedLine;
        assertTrue(e.issues().stream().anyMatch(i -> i.keyPath().equals(path) && i.line() == line),
                () -> corruption + " of " + path + " at line " + line + " gave " + e.issues() + "\n" + yaml);
    }

    enum Damage { DELETE_CHARACTER, DELETE_LINE, INSERT_CHARACTER, DUPLICATE_LINE }

    /** Characters that mean something to YAML: inserting one anywhere probes the parser's error paths. */
    private static final String YAML_SIGNIFICANT = ":-[]{}&*!|>'\"%@`#,?\t\n\\ ~";

    @Property(tries = 300)
    void damagedYamlLoadsOrFailsWithIssuesOnly(@ForAll("specs") ExperimentSpec spec, @ForAll Damage damage,
                                              @ForAll @IntRange(min = 0, max = 100_000) int pick) {
        String yaml = SpecWriter.toYaml(spec);
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        int at = pick % yaml.length();
        String damaged = switch (damage) {
            case DELETE_CHARACTER -> yaml.substring(0, at) + yaml.substring(at + 1);
            case INSERT_CHARACTER -> yaml.substring(0, at) + YAML_SIGNIFICANT.charAt(pick % YAML_SIGNIFICANT.length()) + yaml.substring(at);
            case DELETE_LINE -> {
                lines.remove(pick % lines.size());
                yield String.join("\n", lines) + "\n";
            }
            case DUPLICATE_LINE -> {
                int i = pick % lines.size();
                lines.add(i, lines.get(i));
                yield String.join("\n", lines) + "\n";
            }
        };
        try {
            SpecLoader.loadText(damaged, AS_FILE, List.of(), OPTIONS);
        } catch (SpecException e) {
            assertFalse(e.issues().isEmpty());
            assertTrue(e.issues().stream().allMatch(i -> !i.message().isBlank() && i.line() >= 0 && i.file() != null),
                    e::getMessage);
        }
    }

    private static boolean applies(Corruption corruption, KeyLine k) {
        SpecType type = k.key().type();
        return switch (corruption) {
            case UNKNOWN_KEY, WRONG_TYPE -> true;
            case OUT_OF_RANGE -> k.key().range().isPresent() && !k.path().startsWith("dataset.resolution");
            case BAD_ENUM_VALUE -> type instanceof EnumType || type instanceof ListType l && l.element() instanceof EnumType;
            case NOT_MULTIPLE_OF_8 -> k.path().startsWith("dataset.resolution.");
        };
    }

    private static String wrongTypeValue(SpecType type) {
        if (type instanceof Scalar s) {
            return switch (s.kind()) {
                case STRING -> "{a: 1}";
                case BOOLEAN -> "maybe";
                case INT, LONG, DOUBLE -> "not-a-number";
            };
        }
        return type instanceof ListType ? "{a: 1}" : "[1, 2]";
    }

    private static String outOfRange(Key key) {
        Range r = key.range().orElseThrow();
        boolean integral = key.type() instanceof Scalar s && s.kind() != Scalar.Kind.DOUBLE;
        if (!Double.isInfinite(r.max())) {
            return integral ? String.valueOf((long) r.max() + 1) : String.valueOf(r.max() * 2 + 1);
        }
        return integral ? String.valueOf((long) r.min() - 1) : String.valueOf(r.min() - 0.5);
    }

    /** Replaces the value of a key line, dropping any block (list items, nested keys) written under it. */
    private static void replaceValue(List<String> lines, KeyLine target, String value) {
        int next = target.index() + 1;
        while (next < lines.size() && indentOf(lines.get(next)) > target.indent()
                || next < lines.size() && indentOf(lines.get(next)) == target.indent() && lines.get(next).strip().startsWith("- ")) {
            lines.remove(next);
        }
        lines.set(target.index(), "  ".repeat(target.indent()) + target.key().name() + ": " + value);
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n / 2;
    }

    /** Key lines of canonical YAML with their dotted paths (canonical YAML indents by two per level). */
    static List<KeyLine> keyLines(List<String> lines) {
        List<KeyLine> out = new ArrayList<>();
        List<String> stack = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String content = line.strip();
            if (content.startsWith("- ") || content.isEmpty()) {
                continue;
            }
            int indent = indentOf(line);
            String name = content.substring(0, content.indexOf(':'));
            while (stack.size() > indent) {
                stack.remove(stack.size() - 1);
            }
            stack.add(name);
            String path = String.join(".", stack);
            out.add(new KeyLine(i, indent, path, keyAt(path)));
        }
        return out;
    }

    private static Key keyAt(String path) {
        Section section = SpecType.of(ExperimentSpec.class);
        Key key = null;
        for (String part : path.split("\\.")) {
            key = section.key(part).orElseThrow(() -> new IllegalStateException("canonical YAML has unknown key " + path));
            if (key.type() instanceof Section nested) {
                section = nested;
            }
        }
        return key;
    }
}
