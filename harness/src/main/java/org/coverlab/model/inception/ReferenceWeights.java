package org.coverlab.model.inception;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Deterministic FID-Inception weights that {@code scripts/make_fid_vectors.py} makes with the same formula, so the
 * conformance test needs no 90 MB weights file: value i of tensor NAME is
 * {@code u = top53(splitmix64(base + (i + 1) * golden)) / 2^53 - 0.5} with
 * {@code base = splitmix64(seed ^ crc32(NAME))}, then scaled per kind (He-uniform convolutions, batch norm near
 * identity). Integer arithmetic and exact conversions only, so both sides produce the same float32 bits.
 */
public final class ReferenceWeights {

    public static final long SEED = 20151205L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private ReferenceWeights() {
    }

    static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** n values in [-0.5, 0.5) for (seed, name). */
    public static double[] uniform(String name, int n, long seed) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        long base = splitmix(seed ^ crc.getValue());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            long z = splitmix(base + (i + 1L) * GOLDEN);
            out[i] = (z >>> 11) * 0x1.0p-53 - 0.5;
        }
        return out;
    }

    /** The float32 values of one FID Inception parameter. */
    public static float[] values(String key, long[] shape, long seed) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] u = uniform(key, Math.toIntExact(n), seed);
        float[] out = new float[u.length];
        for (int i = 0; i < u.length; i++) {
            double v;
            if (key.endsWith(".conv.weight")) {
                long fanIn = n / shape[0];
                v = u[i] * (2.0 * Math.sqrt(6.0 / fanIn));
            } else if (key.endsWith(".bn.weight")) {
                v = 1.0 + 0.2 * u[i];
            } else if (key.endsWith(".bn.bias") || key.endsWith(".bn.running_mean")) {
                v = 0.2 * u[i];
            } else if (key.endsWith(".bn.running_var")) {
                v = 1.0 + 0.5 * u[i];
            } else {
                throw new IllegalArgumentException("no reference-weight rule for " + key);
            }
            out[i] = (float) v;
        }
        return out;
    }
}
