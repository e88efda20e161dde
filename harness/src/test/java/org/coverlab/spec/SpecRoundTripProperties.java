package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SpecRoundTripProperties {
    private static final Path AS_FILE = Path.of("/tmp/coverlab-spec-props/spec.yaml");

    @Provide
    Arbitrary<ExperimentSpec> specs() {
        return SpecArbitraries.specs();
    }

    @Property(tries = 200)
    void anyValidSpecSurvivesCanonicalYamlUnchanged(@ForAll("specs") ExperimentSpec spec) throws SpecException {
        String yaml = SpecWriter.toYaml(spec);
        ExperimentSpec loaded = SpecLoader.loadText(yaml, AS_FILE, List.of(), SpecLoader.Options.defaults().withoutFileChecks());
        assertEquals(spec, loaded, yaml);
        assertEquals(SpecHash.sha256(spec), SpecHash.sha256(loaded));
    }
}
