package org.coverlab.util;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where models the harness builds or is given once for every run live (the trained cover-feature network, converted
 * FID Inception weights): {@code $COVERLAB_MODELS_DIR}, else {@code -Dcoverlab.models.dir}, else {@code models/} in
 * the repository (found from {@code -Dcoverlab.home}, set by scripts/coverlab, or by walking up from the working
 * directory to the folder holding {@code harness/pom.xml}), else {@code ./models}.
 */
public final class ModelsDir {

    public static final String ENV = "COVERLAB_MODELS_DIR";
    public static final String PROPERTY = "coverlab.models.dir";

    private ModelsDir() {
    }

    public static Path resolve() {
        String v = System.getenv(ENV);
        if (v == null || v.isBlank()) {
            v = System.getProperty(PROPERTY);
        }
        if (v != null && !v.isBlank()) {
            return Path.of(v.trim()).toAbsolutePath().normalize();
        }
        String home = System.getProperty("coverlab.home");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize().resolve("models");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("harness").resolve("pom.xml"))) {
                return p.resolve("models");
            }
        }
        return Path.of("models").toAbsolutePath();
    }
}
