package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValuesTest {
    @Test
    void getAndWithAddressValuesByDottedSnakeCasePath() {
        ExperimentSpec spec = SpecValues.with(ExperimentSpec.DEFAULT, "dataset.resolution.width", 512);
        assertEquals(512, SpecValues.get(spec, "dataset.resolution.width"));
        assertEquals(96, spec.dataset().resolution().height());
        assertEquals(ExperimentSpec.DEFAULT.train(), spec.train(), "other sections are untouched");
        assertEquals(TrainSpec.DEFAULT.learningRate(), SpecValues.get(spec, "train.learning_rate"));
    }

    @Test
    void unknownPathIsAnArgumentError() {
        assertThrows(IllegalArgumentException.class, () -> SpecValues.get(ExperimentSpec.DEFAULT, "train.epoch"));
        assertThrows(IllegalArgumentException.class, () -> SpecValues.get(ExperimentSpec.DEFAULT, "seed.value"));
    }

    @Test
    void flattenGivesEveryLeafKeyWithPlainValues() {
        Map<String, Object> flat = SpecValues.flatten(ExperimentSpec.DEFAULT);
        assertEquals("unnamed", flat.get("name"));
        assertEquals(64, flat.get("dataset.resolution.width"));
        assertEquals("adamw8bit", flat.get("train.optimizer"));
        assertEquals(List.of("fid", "kid"), flat.get("eval.metrics"));
        assertEquals(List.of(42L), flat.get("sample.seeds"));
        assertEquals("name", flat.keySet().iterator().next(), "record order");
        assertEquals(flat.size(), SpecWriter.toYaml(ExperimentSpec.DEFAULT).lines()
                .filter(l -> !l.strip().startsWith("- ") && !l.endsWith(":") || l.strip().equals("templates:") || l.strip().equals("prompts:"))
                .count(), "one entry per leaf key of the canonical YAML");
    }
}
