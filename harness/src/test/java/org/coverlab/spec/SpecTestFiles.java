package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small helpers for spec tests: write YAML into a temp folder, load it, collect the issues of a failing load. */
final class SpecTestFiles {
    private SpecTestFiles() {
    }

    static Path write(Path dir, String name, String yaml) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SpecLoader.Options options(Path workingDir) {
        return new SpecLoader.Options(workingDir, true);
    }

    static ExperimentSpec load(Path file, String... sets) throws SpecException {
        return SpecLoader.load(file, List.of(sets), options(file.getParent()));
    }

    static List<SpecIssue> issues(Path file, String... sets) {
        return assertThrows(SpecException.class, () -> load(file, sets)).issues();
    }

    /** The repository root (the folder holding harness/ and experiments/), found from the test's working folder. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("harness")) && Files.isDirectory(p.resolve("experiments"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
