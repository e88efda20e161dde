package org.coverlab.spec;

import java.nio.charset.StandardCharsets;
import org.coverlab.util.Sha256;

/**
 * SHA-256 of a spec's canonical YAML ({@link SpecWriter#toYaml}), lowercase hex. Two runs with the same hash ran the
 * same resolved experiment (paths included, as they are absolute in a loaded spec).
 */
public final class SpecHash {
    private SpecHash() {
    }

    public static String sha256(ExperimentSpec spec) {
        return Sha256.ofBytes(SpecWriter.toYaml(spec).getBytes(StandardCharsets.UTF_8));
    }
}
