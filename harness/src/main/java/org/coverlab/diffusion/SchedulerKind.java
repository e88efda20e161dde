package org.coverlab.diffusion;

import java.util.Locale;
import java.util.Optional;

/**
 * The samplers this package implements, named as diffusers' scheduler classes are chosen in a pipeline. The spec's
 * {@code sample.scheduler} values map onto these by key, so neither this package nor the model pipeline depends on
 * the spec.
 */
public enum SchedulerKind {
    DDIM, PNDM, EULER, DDPM;

    /** Lower-case name as written in specs and on the command line. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with this key, case-insensitive. */
    public static Optional<SchedulerKind> fromKey(String key) {
        for (SchedulerKind k : values()) {
            if (k.key().equals(key.toLowerCase(Locale.ROOT))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
