package org.coverlab.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a spec's canonical YAML ({@link SpecWriter#toYaml}), lowercase hex. Two runs with the same hash ran the
 * same resolved experiment (paths included, as they are absolute in a loaded spec).
 */
public final class SpecHash {
    private SpecHash() {
    }

    public static String sha256(ExperimentSpec spec) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(SpecWriter.toYaml(spec).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
