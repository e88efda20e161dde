package org.coverlab.training;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.coverlab.model.io.TensorEntry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 8-bit AdamW follows fp32 AdamW closely, stores about a quarter of the bytes, and restores bit-exactly. */
class AdamW8bitProperties {

    /**
     * A random quadratic bowl 0.5 * sum a_k (p_k - t_k)^2 with curvatures over two decades and gradient noise of
     * 0.1 (as in minibatch training; the same noise for both), minimised from a random start by both optimizers with
     * the same settings: after 200 steps the 8-bit parameters are within 10 % of the distance the fp32 ones travelled
     * and the loss within 10 % (observed: 4-5 % and at most 7 %). Without gradient noise, elements that converge
     * exactly drive their second moment below the block's smallest code, it rounds to zero and the step explodes:
     * bitsandbytes' kernel has the same failure mode, so the property states the noisy case training is in.
     */
    @Property(tries = 25)
    void trajectoryStaysCloseToFp32AdamW(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                         @ForAll @IntRange(min = 2049, max = 9000) int size) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[size];
        float[] t = new float[size];
        float[] p32 = new float[size];
        for (int k = 0; k < size; k++) {
            a[k] = (float) Math.pow(10, r.nextDouble(-1, 1));
            t[k] = (float) r.nextGaussian();
            p32[k] = (float) r.nextGaussian();
        }
        float[] p0 = p32.clone();
        float[] p8 = p32.clone();
        AdamW.Settings s = AdamW.Settings.defaults(1e-2);
        AdamW fp32 = new AdamW(s);
        AdamW8bit int8 = new AdamW8bit(s, 0);
        for (int step = 0; step < 200; step++) {
            float[] noise = new float[size];
            for (int k = 0; k < size; k++) {
                noise[k] = (float) (0.1 * r.nextGaussian());
            }
            fp32.beginStep(1e-2);
            fp32.update(0, "w", p32, gradient(a, t, p32, noise));
            int8.beginStep(1e-2);
            int8.update(0, "w", p8, gradient(a, t, p8, noise));
        }
        double travelled = distance(p32, p0);
        double apart = distance(p8, p32);
        double loss32 = loss(a, t, p32);
        double loss8 = loss(a, t, p8);
        assertTrue(loss32 < 0.2 * loss(a, t, p0), "fp32 AdamW itself should have made progress");
        assertTrue(apart <= 0.10 * travelled, "8-bit is " + apart + " from fp32, which travelled " + travelled);
        assertTrue(Math.abs(loss8 - loss32) <= 0.10 * loss32, "loss 8-bit " + loss8 + " vs fp32 " + loss32);
    }

    @Example
    void stateIsAboutAQuarterOfFp32ForLargeParametersAndFp32BelowTheThreshold() {
        List<Long> sizes = List.of(1_000_000L, 320L, 4095L, 4096L);
        long fp32 = 8 * sizes.stream().mapToLong(Long::longValue).sum();
        long int8 = AdamW8bit.stateBytes(sizes, AdamW8bit.DEFAULT_MIN_8BIT_SIZE);
        long expected = 2048 + 8 * (320 + 4095) + (2 * 1_000_000 + 8 * 489) + (2 * 4096 + 8 * 2);
        assertEquals(expected, int8);
        assertTrue(int8 < 0.26 * fp32, int8 + " vs " + fp32);
    }

    @Property(tries = 10)
    void savedStateRestoresToBitIdenticalUpdates(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] sizes = {5000, 100};
        float[][] p = new float[2][];
        for (int i = 0; i < 2; i++) {
            p[i] = new float[sizes[i]];
            for (int k = 0; k < sizes[i]; k++) {
                p[i][k] = (float) r.nextGaussian();
            }
        }
        AdamW.Settings s = AdamW.Settings.defaults(1e-2);
        AdamW8bit first = new AdamW8bit(s, 4096);
        float[][][] grads = new float[6][2][];
        for (int step = 0; step < 6; step++) {
            for (int i = 0; i < 2; i++) {
                grads[step][i] = new float[sizes[i]];
                for (int k = 0; k < sizes[i]; k++) {
                    grads[step][i][k] = (float) r.nextGaussian();
                }
            }
        }
        float[][] resumed = {p[0].clone(), p[1].clone()};
        AdamW8bit second = new AdamW8bit(s, 4096);
        for (int step = 0; step < 6; step++) {
            first.beginStep(1e-3);
            for (int i = 0; i < 2; i++) {
                first.update(i, "p" + i, p[i], grads[step][i]);
            }
            if (step == 2) {
                Map<String, TensorEntry> saved = new HashMap<>();
                first.state().forEach(e -> saved.put(e.name(), e));
                second.restore(saved, first.metadata());
                resumed = new float[][] {p[0].clone(), p[1].clone()};
            } else if (step > 2) {
                second.beginStep(1e-3);
                for (int i = 0; i < 2; i++) {
                    second.update(i, "p" + i, resumed[i], grads[step][i]);
                }
            }
        }
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(p[i], resumed[i]);
            assertArrayEquals(first.moments(i)[0], second.moments(i)[0]);
        }
        assertEquals(first.stateBytes(), second.stateBytes());
    }

    private static float[] gradient(float[] a, float[] t, float[] p, float[] noise) {
        float[] g = new float[p.length];
        for (int k = 0; k < p.length; k++) {
            g[k] = a[k] * (p[k] - t[k]) + noise[k];
        }
        return g;
    }

    private static double distance(float[] x, float[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            s += (double) (x[k] - y[k]) * (x[k] - y[k]);
        }
        return Math.sqrt(s);
    }

    private static double loss(float[] a, float[] t, float[] p) {
        double s = 0;
        for (int k = 0; k < p.length; k++) {
            s += 0.5 * a[k] * (p[k] - t[k]) * (p[k] - t[k]);
        }
        return s;
    }
}
