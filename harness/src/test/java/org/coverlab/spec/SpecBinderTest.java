package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binder is generic over records: a component added to a spec record becomes a key with no binder change. */
class SpecBinderTest {
    /** A stand-in for a spec record someone extends later, with component types the current records do not use. */
    public record Probe(
            @Doc("level") @Range(min = 1, max = 3) int level,
            @Doc("weights") List<Double> weights,
            @Doc("counts") List<Integer> counts,
            @Doc("a nested section without a DEFAULT") Inner inner,
            @Doc("when") SampleSpec.When when) {
        public static final Probe DEFAULT = new Probe(2, List.of(0.5), List.of(), null, SampleSpec.When.END);
    }

    /** No DEFAULT: every key must be written. */
    public record Inner(@Doc("a") String alpha, @Doc("b") long beta) {
    }

    private final List<SpecIssue> issues = new ArrayList<>();

    private Record bind(String yaml) {
        YamlNode tree = new YamlReader("probe.yaml", Path.of("/tmp"), true, issues).read(yaml, "");
        return new SpecBinder("probe.yaml", issues).bindSection(SpecType.of(Probe.class), tree, Probe.DEFAULT, "");
    }

    @Test
    void newComponentTypesBindWithoutBinderChanges() {
        Probe probe = (Probe) bind("level: 3\nweights: [0.25, 1e-3]\ncounts: [1, 2]\ninner: {alpha: a, beta: 9000000000}\nwhen: epoch\n");
        assertEquals(List.of(), issues);
        assertEquals(new Probe(3, List.of(0.25, 1e-3), List.of(1, 2), new Inner("a", 9_000_000_000L), SampleSpec.When.EPOCH), probe);
    }

    @Test
    void sectionWithoutDefaultReportsEachMissingKey() {
        bind("inner: {alpha: a}\n");
        assertEquals(1, issues.size(), issues::toString);
        assertEquals("inner.beta", issues.get(0).keyPath());
        assertEquals("is missing; expected an integer", issues.get(0).message());
        issues.clear();
        bind("level: 1\n");
        assertEquals(List.of("inner.alpha", "inner.beta"), issues.stream().map(SpecIssue::keyPath).toList(),
                "an unwritten section without a default needs all its keys");
    }

    @Test
    void listElementsAreCheckedOneByOne() {
        bind("weights: [0.5, heavy]\ncounts: [1, 2.5]\nlevel: 4\ninner: {alpha: a, beta: 1}\n");
        assertEquals(List.of("level", "weights[1]", "counts[1]"), issues.stream().map(SpecIssue::keyPath).toList());
        assertEquals("must be between 1 and 3, got 4", issues.get(0).message());
        assertEquals("expected a number, got 'heavy'", issues.get(1).message());
        assertEquals("expected an integer, got '2.5'", issues.get(2).message());
    }

    @Test
    void unsupportedComponentTypeIsCaughtWhenTheSchemaIsBuilt() {
        assertTrue(SpecValues.flatten(ExperimentSpec.DEFAULT).size() > 50, "every spec record component is supported");
        assertThrows(IllegalStateException.class, () -> SpecType.of(Unsupported.class),
                "an unsupported component type is a programmer error caught when the schema is built");
    }

    public record Unsupported(Map<String, String> anything) {
    }
}
