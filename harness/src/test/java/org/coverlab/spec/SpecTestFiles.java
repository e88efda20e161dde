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
}
