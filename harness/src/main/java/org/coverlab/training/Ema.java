package org.coverlab.training;

import org.coverlab.model.io.TensorEntry;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exponential moving average of the trained weights, as diffusers' {@code EMAModel} without warmup: at its n-th
 * update the decay is {@code min(decay, (1 + k) / (10 + k))} with {@code k = n - 1} (so the first update copies
 * the weights), and each shadow value moves {@code (1 - decay)} of the way to the weight.
 */
public final class Ema {
    private final double decay;
    private final Map<Integer, float[]> shadow = new LinkedHashMap<>();
    private final Map<Integer, String> names = new LinkedHashMap<>();
    private long updates;
    private float oneMinusDecay;

    public Ema(double decay) {
        if (!(decay >= 0 && decay <= 1)) {
            throw new IllegalArgumentException("EMA decay must lie in [0, 1], got " + decay);
        }
        this.decay = decay;
    }

    /** The decay of update number {@code n} (1-based), diffusers' {@code get_decay}. */
    static double decayAt(long n, double maxDecay) {
        long k = Math.max(0, n - 1);
        if (k <= 0) {
            return 0.0;
        }
        return Math.min(maxDecay, (1.0 + k) / (10.0 + k));
    }

    /** Starts EMA update n + 1; then {@link #update} each trained parameter. */
    public void beginUpdate() {
        updates++;
        oneMinusDecay = (float) (1 - decayAt(updates, decay));
    }

    public void update(int index, String name, float[] weights) {
        update(index, name, FloatBuffer.wrap(weights));
    }

    /** The same reading the weights through a buffer (in training, a view of libtorch's parameter memory). */
    public void update(int index, String name, FloatBuffer weights) {
        float[] s = shadow.get(index);
        if (s == null) {
            s = new float[weights.limit()];
            weights.get(0, s);
            shadow.put(index, s);
        }
        names.put(index, name);
        for (int k = 0; k < s.length; k++) {
            s[k] -= oneMinusDecay * (s[k] - weights.get(k)); // s_param.sub_(one_minus_decay * (s_param - param))
        }
    }

    /** The averaged values of parameter {@code index}, or null before the first update. */
    public float[] shadow(int index) {
        return shadow.get(index);
    }

    public long updates() {
        return updates;
    }

    public List<TensorEntry> state() {
        List<TensorEntry> out = new ArrayList<>();
        shadow.forEach((i, s) -> out.add(AdamW.floats(names.get(i), s)));
        return out;
    }

    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("decay", Double.toString(decay));
        m.put("updates", Long.toString(updates));
        m.put("params", String.join(",", shadow.keySet().stream().map(i -> i + ":" + names.get(i)).toList()));
        return m;
    }

    public void restore(Map<String, TensorEntry> tensors, Map<String, String> metadata) {
        OptimizerStates.expect(metadata, "decay", Double.toString(decay));
        shadow.clear();
        names.clear();
        for (Map.Entry<Integer, String> e : OptimizerStates.params(metadata).entrySet()) {
            names.put(e.getKey(), e.getValue());
            shadow.put(e.getKey(), OptimizerStates.floats(tensors, e.getValue()));
        }
        updates = Long.parseLong(metadata.get("updates"));
    }
}
