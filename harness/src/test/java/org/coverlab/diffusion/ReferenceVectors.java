package org.coverlab.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** The scheduler vectors from scripts/refvectors/tokenizer_schedulers.py: named float32 arrays plus cases.json. */
final class ReferenceVectors implements AutoCloseable {

    static final double TOLERANCE = 1e-4;

    final NDManager manager = NDManager.newBaseManager();
    final JsonNode cases;
    private final Map<String, NDArray> arrays = new HashMap<>();

    ReferenceVectors() {
        try (InputStream json = stream("cases.json"); InputStream st = stream("vectors.safetensors")) {
            cases = new ObjectMapper().readTree(json);
            for (NDArray a : NDList.decode(manager, st)) arrays.put(a.getName(), a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream stream(String name) {
        InputStream in = ReferenceVectors.class.getResourceAsStream("/conformance/schedulers/" + name);
        if (in == null) throw new IllegalStateException("missing test resource conformance/schedulers/" + name);
        return in;
    }

    NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) throw new IllegalArgumentException("no reference array '" + name + "' in " + arrays.keySet());
        return a;
    }

    JsonNode trajectory(String name) {
        for (JsonNode c : cases.get("trajectories")) if (c.get("name").textValue().equals(name)) return c;
        throw new IllegalArgumentException("no trajectory case " + name);
    }

    /** Max |a - b| over all elements, after checking the shapes agree. */
    static double maxAbsError(NDArray expected, NDArray actual) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), "shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs((double) e[i] - a[i]));
        return max;
    }

    static void assertClose(NDArray expected, NDArray actual, String what) {
        double err = maxAbsError(expected, actual);
        assertTrue(err <= TOLERANCE, what + ": max abs error " + err + " > " + TOLERANCE);
    }

    @Override
    public void close() {
        manager.close();
    }
}
