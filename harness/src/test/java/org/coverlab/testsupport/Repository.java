package org.coverlab.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in: Maven runs them in harness/, so the root is the first folder above with both parts. */
public final class Repository {

    private Repository() {
    }

    /** The repository root: the nearest folder at or above the working directory holding harness/ and experiments/. */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("harness")) && Files.isDirectory(p.resolve("experiments"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    /** The committed experiment specs, {@code <root>/experiments}. */
    public static Path experiments() {
        return root().resolve("experiments");
    }
}
