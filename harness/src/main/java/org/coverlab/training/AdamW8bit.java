package org.coverlab.training;

import org.coverlab.model.io.TensorDType;
import org.coverlab.model.io.TensorEntry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * bitsandbytes' AdamW8bit ({@code optim_bits=8, block_wise=True, percentile_clipping=100}) in Java. Both Adam
 * moments of a large parameter are stored as one byte per value: in blocks of {@value #BLOCK} values, each moment
 * is divided by its block's absolute maximum and rounded to the nearest code of a dynamic 8-bit map (signed for the
 * first moment, unsigned for the second); the maxima are kept in fp32. An update dequantises the block, applies Adam,
 * updates the parameter, then re-quantises with the new maxima, as bitsandbytes' {@code
 * kOptimizerStatic8bit2StateBlockwise} kernel does. Parameters with fewer than {@code min8bitSize} values keep fp32
 * moments and use bitsandbytes' 32-bit Adam kernel. Like bitsandbytes, weight decay multiplies the parameter by
 * {@code 1 - lr * weight_decay} after the Adam step (torch's AdamW does it before).
 */
public final class AdamW8bit implements Optimizer {
    /** Values per quantisation block (bitsandbytes' blockwise optimizer kernels of the original study's version). */
    public static final int BLOCK = 2048;
    /** bitsandbytes' default min_8bit_size; the original study used 16384. */
    public static final int DEFAULT_MIN_8BIT_SIZE = 4096;

    private final AdamW.Settings settings;
    private final int min8bitSize;
    private final Map<Integer, String> names = new LinkedHashMap<>();
    private final Map<Integer, Quantised> quantised = new LinkedHashMap<>();
    private final Map<Integer, float[][]> full = new LinkedHashMap<>();
    private long steps;
    private double lr;

    /** The 8-bit state of one parameter. */
    private record Quantised(byte[] state1, byte[] state2, float[] absmax1, float[] absmax2) {
        static Quantised zeros(int n) {
            int blocks = (n + BLOCK - 1) / BLOCK;
            return new Quantised(new byte[n], new byte[n], new float[blocks], new float[blocks]);
        }
    }

    public AdamW8bit(AdamW.Settings settings, int min8bitSize) {
        if (min8bitSize < 0) {
            throw new IllegalArgumentException("min_8bit_size must be >= 0, got " + min8bitSize);
        }
        this.settings = settings;
        this.min8bitSize = min8bitSize;
    }

    @Override
    public void beginStep(double lr) {
        this.lr = lr;
        steps++;
    }

    @Override
    public void update(int index, String name, FloatBuffer p, FloatBuffer g) {
        names.put(index, name);
        float beta1 = (float) settings.beta1();
        float beta2 = (float) settings.beta2();
        float eps = (float) settings.eps();
        float lrF = (float) lr;
        float decay = 1f - lrF * (float) settings.weightDecay();
        float correction1 = 1f - (float) Math.pow(beta1, steps);
        float correction2 = (float) Math.sqrt(1f - (float) Math.pow(beta2, steps));
        float stepSize = -lrF * correction2 / correction1;
        boolean decays = settings.weightDecay() > 0;
        int n = p.limit();
        if (n < min8bitSize) {
            float[][] s = full.computeIfAbsent(index, k -> new float[][] {new float[n], new float[n]});
            float[] s1 = s[0];
            float[] s2 = s[1];
            checkSize(name, s1.length, n);
            for (int j = 0; j < n; j++) {        // kOptimizer32bit2State, ADAM
                float gj = g.get(j);
                s1[j] = s1[j] * beta1 + (1f - beta1) * gj;
                s2[j] = s2[j] * beta2 + (1f - beta2) * (gj * gj);
                float pj = p.get(j) + stepSize * (s1[j] / ((float) Math.sqrt(s2[j]) + eps * correction2));
                if (decays) {
                    pj = pj * decay;
                }
                p.put(j, pj);
            }
            return;
        }
        Quantised q = quantised.computeIfAbsent(index, k -> Quantised.zeros(n));
        checkSize(name, q.state1.length, n);
        float[] s1 = new float[BLOCK];
        float[] s2 = new float[BLOCK];
        for (int b = 0, start = 0; start < n; b++, start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            // dequantise with the old block maxima, then Adam's moment updates; find the new maxima
            float max1 = 0;
            float max2 = 0;
            for (int j = start; j < end; j++) {
                float m = DynamicMap.SIGNED.decode(q.state1[j]) * q.absmax1[b];
                float v = DynamicMap.UNSIGNED.decode(q.state2[j]) * q.absmax2[b];
                float gj = g.get(j);
                m = m * beta1 + (1f - beta1) * gj;
                v = v * beta2 + (1f - beta2) * gj * gj;
                s1[j - start] = m;
                s2[j - start] = v;
                max1 = Math.max(max1, Math.abs(m));
                max2 = Math.max(max2, Math.abs(v));
            }
            q.absmax1[b] = max1;
            q.absmax2[b] = max2;
            for (int j = start; j < end; j++) {
                float m = s1[j - start];
                float v = s2[j - start];
                // the parameter step from the unquantised new moments, then bitsandbytes' decoupled decay
                float pj = p.get(j) + stepSize * (m / ((float) Math.sqrt(v) + correction2 * eps));
                if (decays) {
                    pj = pj * decay;
                }
                p.put(j, pj);
                int c1 = DynamicMap.SIGNED.encode(max1 > 0 ? m / max1 : 0f);
                // keep the first moment's sign bit through quantisation (a tiny negative moment must not become +0)
                if (signBit(DynamicMap.SIGNED.decode(c1)) != signBit(m)) {
                    c1 += m > 0 ? 1 : -1;
                }
                q.state1[j] = (byte) c1;
                q.state2[j] = (byte) DynamicMap.UNSIGNED.encode(max2 > 0 ? v / max2 : 0f);
            }
        }
    }

    @Override
    public long steps() {
        return steps;
    }

    /** The dequantised first and second moments of parameter {@code index} (for tests and inspection). */
    public float[][] moments(int index) {
        if (full.containsKey(index)) {
            return new float[][] {full.get(index)[0].clone(), full.get(index)[1].clone()};
        }
        Quantised q = quantised.get(index);
        float[] m = new float[q.state1.length];
        float[] v = new float[q.state2.length];
        for (int j = 0; j < m.length; j++) {
            m[j] = DynamicMap.SIGNED.decode(q.state1[j]) * q.absmax1[j / BLOCK];
            v[j] = DynamicMap.UNSIGNED.decode(q.state2[j]) * q.absmax2[j / BLOCK];
        }
        return new float[][] {m, v};
    }

    @Override
    public List<TensorEntry> state() {
        List<TensorEntry> out = new ArrayList<>();
        out.add(AdamW.floats("qmap1", DynamicMap.SIGNED.codes()));
        out.add(AdamW.floats("qmap2", DynamicMap.UNSIGNED.codes()));
        for (Integer i : names.keySet()) {
            String n = names.get(i);
            if (full.containsKey(i)) {
                out.add(AdamW.floats(n + ".state1", full.get(i)[0]));
                out.add(AdamW.floats(n + ".state2", full.get(i)[1]));
            } else {
                Quantised q = quantised.get(i);
                out.add(bytes(n + ".state1", q.state1));
                out.add(bytes(n + ".state2", q.state2));
                out.add(AdamW.floats(n + ".absmax1", q.absmax1));
                out.add(AdamW.floats(n + ".absmax2", q.absmax2));
            }
        }
        return out;
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>(settings.metadata());
        m.put("optimizer", "adamw8bit");
        m.put("block_size", Integer.toString(BLOCK));
        m.put("min_8bit_size", Integer.toString(min8bitSize));
        m.put("step", Long.toString(steps));
        m.put("params", String.join(",", names.keySet().stream().map(i -> i + ":" + names.get(i)).toList()));
        return m;
    }

    @Override
    public void restore(Map<String, TensorEntry> tensors, Map<String, String> metadata) {
        OptimizerStates.expect(metadata, "optimizer", "adamw8bit");
        OptimizerStates.expectSettings(metadata, settings.metadata());
        OptimizerStates.expect(metadata, "block_size", Integer.toString(BLOCK));
        OptimizerStates.expect(metadata, "min_8bit_size", Integer.toString(min8bitSize));
        names.clear();
        full.clear();
        quantised.clear();
        for (Map.Entry<Integer, String> e : OptimizerStates.params(metadata).entrySet()) {
            String n = e.getValue();
            names.put(e.getKey(), n);
            if (tensors.get(n + ".absmax1") == null) {
                full.put(e.getKey(), new float[][] {OptimizerStates.floats(tensors, n + ".state1"),
                        OptimizerStates.floats(tensors, n + ".state2")});
            } else {
                quantised.put(e.getKey(), new Quantised(OptimizerStates.bytes(tensors, n + ".state1"),
                        OptimizerStates.bytes(tensors, n + ".state2"), OptimizerStates.floats(tensors, n + ".absmax1"),
                        OptimizerStates.floats(tensors, n + ".absmax2")));
            }
        }
        steps = Long.parseLong(metadata.get("step"));
    }

    @Override
    public long stateBytes() {
        long n = 2L * 256 * 4;
        for (float[][] s : full.values()) {
            n += 8L * s[0].length;
        }
        for (Quantised q : quantised.values()) {
            n += 2L * q.state1.length + 8L * q.absmax1.length;
        }
        return n;
    }

    /** State bytes 8-bit AdamW needs for parameters of these sizes (no allocation): the memory comparison. */
    public static long stateBytes(Iterable<Long> parameterSizes, int min8bitSize) {
        long n = 2L * 256 * 4;
        for (long size : parameterSizes) {
            n += size < min8bitSize ? 8 * size : 2 * size + 8 * ((size + BLOCK - 1) / BLOCK);
        }
        return n;
    }

    private static void checkSize(String name, int saved, int n) {
        if (saved != n) {
            throw new IllegalStateException("saved optimizer state of '" + name + "' has " + saved
                    + " values, the parameter has " + n);
        }
    }

    private static boolean signBit(float x) {
        return Float.floatToRawIntBits(x) < 0;
    }

    private static TensorEntry bytes(String name, byte[] values) {
        return new TensorEntry(name, TensorDType.U8, new long[] {values.length},
                ByteBuffer.wrap(values.clone()).order(ByteOrder.LITTLE_ENDIAN));
    }
}
