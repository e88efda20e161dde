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
 * torch.optim.AdamW (single-tensor path, fp32 state): weight decay decoupled from the gradient (the parameter shrinks
 * by {@code lr * weight_decay} first), then Adam's bias-corrected moments. Each line of {@link #update} is one line of
 * torch's {@code _single_tensor_adamw}, with the same float rounding of its Python scalars.
 */
public final class AdamW implements Optimizer {
    /** Adam's hyper-parameters (torch defaults: 0.9, 0.999, 1e-8; weight decay 0.01). */
    public record Settings(double beta1, double beta2, double eps, double weightDecay) {
        public static Settings defaults(double weightDecay) {
            return new Settings(0.9, 0.999, 1e-8, weightDecay);
        }

        public Settings {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must lie in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps >= 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("eps and weight decay must be >= 0, got " + eps + ", " + weightDecay);
            }
        }

        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("beta1", Double.toString(beta1));
            m.put("beta2", Double.toString(beta2));
            m.put("eps", Double.toString(eps));
            m.put("weight_decay", Double.toString(weightDecay));
            return m;
        }
    }

    private final Settings settings;
    private final Map<Integer, float[]> expAvg = new LinkedHashMap<>();
    private final Map<Integer, float[]> expAvgSq = new LinkedHashMap<>();
    private final Map<Integer, String> names = new LinkedHashMap<>();
    private long steps;
    private double lr;

    public AdamW(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void beginStep(double lr) {
        this.lr = lr;
        steps++;
    }

    @Override
    public void update(int index, String name, FloatBuffer p, FloatBuffer g) {
        float[] m = expAvg.computeIfAbsent(index, k -> new float[p.limit()]);
        float[] v = expAvgSq.computeIfAbsent(index, k -> new float[p.limit()]);
        if (m.length != p.limit()) {
            throw new IllegalStateException("saved optimizer state of '" + name + "' has " + m.length
                    + " values, the parameter has " + p.limit());
        }
        names.put(index, name);
        step(p, g, m, v, lr, steps, settings);
    }

    /** One AdamW update of one tensor, exactly as torch's single-tensor fp32 path orders and rounds it. */
    static void step(FloatBuffer p, FloatBuffer g, float[] m, float[] v, double lr, long step, Settings s) {
        float decay = (float) (1 - lr * s.weightDecay());         // param.mul_(1 - lr * weight_decay)
        float w1 = (float) (1 - s.beta1());                       // exp_avg.lerp_(grad, 1 - beta1)
        float beta2 = (float) s.beta2();                          // exp_avg_sq.mul_(beta2)
        float w2 = (float) (1 - s.beta2());                       //   .addcmul_(grad, grad, value=1 - beta2)
        double bias1 = 1 - Math.pow(s.beta1(), step);
        double bias2 = 1 - Math.pow(s.beta2(), step);
        float stepSize = (float) -(lr / bias1);                   // addcdiv_ value = -lr / bias_correction1
        float bias2Sqrt = (float) Math.sqrt(bias2);
        float eps = (float) s.eps();
        for (int k = 0; k < m.length; k++) {
            float pk = p.get(k) * decay;
            float gk = g.get(k);
            float mk = m[k];
            // torch's lerp: start + w * (end - start) for weights below one half
            mk = w1 < 0.5f ? mk + w1 * (gk - mk) : gk - (gk - mk) * (1 - w1);
            float vk = v[k] * beta2 + w2 * gk * gk;           // torch's addcmul: self + value * t1 * t2
            float denom = (float) Math.sqrt(vk) / bias2Sqrt + eps;
            p.put(k, pk + stepSize * mk / denom);             // torch's addcdiv: self + value * t1 / t2
            m[k] = mk;
            v[k] = vk;
        }
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public List<TensorEntry> state() {
        List<TensorEntry> out = new ArrayList<>();
        for (Integer i : expAvg.keySet()) {
            out.add(floats(names.get(i) + ".exp_avg", expAvg.get(i)));
            out.add(floats(names.get(i) + ".exp_avg_sq", expAvgSq.get(i)));
        }
        return out;
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>(settings.metadata());
        m.put("optimizer", "adamw");
        m.put("step", Long.toString(steps));
        m.put("params", String.join(",", indexList()));
        return m;
    }

    private List<String> indexList() {
        return expAvg.keySet().stream().map(i -> i + ":" + names.get(i)).toList();
    }

    @Override
    public void restore(Map<String, TensorEntry> tensors, Map<String, String> metadata) {
        OptimizerStates.expect(metadata, "optimizer", "adamw");
        OptimizerStates.expectSettings(metadata, settings.metadata());
        expAvg.clear();
        expAvgSq.clear();
        names.clear();
        for (Map.Entry<Integer, String> e : OptimizerStates.params(metadata).entrySet()) {
            names.put(e.getKey(), e.getValue());
            expAvg.put(e.getKey(), OptimizerStates.floats(tensors, e.getValue() + ".exp_avg"));
            expAvgSq.put(e.getKey(), OptimizerStates.floats(tensors, e.getValue() + ".exp_avg_sq"));
        }
        steps = Long.parseLong(metadata.get("step"));
    }

    @Override
    public long stateBytes() {
        long n = 0;
        for (float[] m : expAvg.values()) {
            n += 8L * m.length;
        }
        return n;
    }

    static TensorEntry floats(String name, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new TensorEntry(name, TensorDType.F32, new long[] {values.length}, b);
    }
}
