package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.coverlab.model.io.NDArrays;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorEntry;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Access to the committed conformance vectors made by scripts/refvectors/models.py. */
public final class Reference {
    public static final float TOLERANCE = 1e-4f;

    private Reference() {
    }

    public static Path conformance(String relative) {
        try {
            return Path.of(Reference.class.getResource("/conformance").toURI()).resolve(relative);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path model(String name) {
        return conformance("models/" + name);
    }

    /** A writable copy of reference model {@code name} in {@code target}, for tests that break or edit one. */
    public static Path copyOfModel(String name, Path target) throws java.io.IOException {
        Path source = model(name);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(source)) {
            for (Path p : files.toList()) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(dest);
                } else {
                    java.nio.file.Files.copy(p, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    /** The recorded inputs and outputs of one reference model, as fp32 NDArrays. */
    public static Map<String, NDArray> io(String name, NDManager manager) {
        Map<String, NDArray> out = new HashMap<>();
        for (TensorEntry t : SafeTensors.readAll(conformance("models/io/" + name + ".safetensors"))) {
            out.put(t.name(), NDArrays.toFloat32(manager, t));
        }
        return out;
    }

    public static float maxAbsDiff(NDArray actual, NDArray expected) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), "shape");
        return actual.sub(expected).abs().max().getFloat();
    }

    public static void assertClose(NDArray actual, NDArray expected, String what) {
        float diff = maxAbsDiff(actual, expected);
        float scale = expected.abs().max().getFloat();
        System.out.printf("conformance %-40s max abs error %.3g (max |ref| %.3g)%n", what, diff, scale);
        assertTrue(diff <= TOLERANCE, what + ": max abs error " + diff + " > " + TOLERANCE + " (values up to " + scale + ")");
        assertTrue(scale > 1e-3, what + ": reference output is degenerate (all near zero)");
    }
}
