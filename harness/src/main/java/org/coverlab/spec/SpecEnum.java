package org.coverlab.spec;

/** An enum usable in a spec: {@link #key()} is its YAML spelling (lower snake case). */
public interface SpecEnum {
    String key();
}
