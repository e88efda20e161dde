package org.coverlab.training;

import org.coverlab.model.nn.NoGrad;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.coverlab.model.nn.Param;
import org.coverlab.model.nn.ParamStore;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The parameters being trained, in a fixed order (the order their stores declare them), with their gradients as
 * libtorch accumulates them across backward passes. Parameters of frozen components are simply not in here: they
 * never require gradients, get no optimizer state and are never written.
 *
 * <p>An optimizer update reads the gradients and writes the parameters through {@link FloatBuffer} views of
 * libtorch's own memory (a contiguous CPU float32 tensor's storage, as DJL's direct buffer maps it), so a step copies
 * nothing between Java and native memory and runs one fused loop per parameter, as torch's fused optimizers do. A
 * parameter that is not such a tensor (another device) is copied out and written back instead.
 */
public final class TrainedParams {
    private static final NDIndex ALL = new NDIndex(":");
    private final List<Param> params;
    /** Whether parameter i's direct buffer writes through to the tensor (checked once, see {@link #writesThrough}). */
    private final boolean[] direct;

    private TrainedParams(List<Param> params) {
        this.params = List.copyOf(params);
        this.direct = new boolean[params.size()];
        for (int i = 0; i < direct.length; i++) {
            direct[i] = writesThrough(this.params.get(i).value());
        }
    }

    /** Marks every store trainable and collects its parameters (stores in the given order). */
    public static TrainedParams of(Collection<ParamStore> stores) {
        List<Param> all = new ArrayList<>();
        for (ParamStore s : stores) {
            s.setTrainable(true);
            all.addAll(s.params());
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: no parameters in the trained components");
        }
        return new TrainedParams(all);
    }

    /**
     * True when DJL's direct buffer of {@code v} is its own memory: a CPU tensor that is contiguous (DJL would
     * otherwise hand out a buffer over a contiguous copy). Checked by writing one value through the buffer and
     * reading it back through libtorch, then restoring it.
     */
    private static boolean writesThrough(NDArray v) {
        if (!(v instanceof PtNDArray pt) || !Device.cpu().equals(v.getDevice()) || v.size() == 0) {
            return false;
        }
        FloatBuffer b = view(pt);
        float was = b.get(0);
        float probe = was == 1.5f ? 2.5f : 1.5f;
        b.put(0, probe);
        boolean seen;
        try (NDArray flat = v.reshape(-1); NDArray first = flat.get(0)) {
            seen = first.getFloat() == probe;
        }
        b.put(0, was);
        return seen;
    }

    private static FloatBuffer view(NDArray a) {
        return JniUtils.getByteBuffer((PtNDArray) a, true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public List<Param> params() {
        return params;
    }

    public int size() {
        return params.size();
    }

    public Param get(int i) {
        return params.get(i);
    }

    public long count() {
        return params.stream().mapToLong(p -> p.shape().size()).sum();
    }

    /**
     * Starts an optimizer update on the accumulated gradients: multiplies each by {@code scale} (the mean over
     * micro-batches) and sums their squares for the global norm. Close it before {@link #zeroGradients()}.
     */
    public Update beginUpdate(float scale) {
        return new Update(scale);
    }

    /** The gradients of one optimizer update, read in place. */
    public final class Update implements AutoCloseable {
        private final NDArray[] handles = new NDArray[params.size()];
        private final FloatBuffer[] gradients = new FloatBuffer[params.size()];
        private final double norm;

        private Update(float scale) {
            double squares = 0;
            try {
                for (int i = 0; i < handles.length; i++) {
                    // zeros if no backward reached the parameter; a gradient has its parameter's layout (torch's
                    // layout contract), so a parameter with a direct view has a gradient with one too
                    handles[i] = params.get(i).value().getGradient();
                    FloatBuffer g = direct[i] ? view(handles[i]) : FloatBuffer.wrap(handles[i].toFloatArray());
                    gradients[i] = g;
                    for (int k = 0, n = g.limit(); k < n; k++) {
                        float x = g.get(k);
                        if (scale != 1f) {
                            x *= scale;
                            g.put(k, x);
                        }
                        squares += (double) x * x;
                    }
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            norm = Math.sqrt(squares);
        }

        /** The global L2 norm of the scaled gradients (squares summed in double, parameter by parameter). */
        public double norm() {
            return norm;
        }

        /**
         * Multiplies every gradient by {@code clip} (when not 1), then lets the optimizer update each parameter in
         * place and moves the EMA ({@code ema} null for none); the caller has begun the optimizer's and EMA's step.
         */
        public void apply(Optimizer optimizer, float clip, Ema ema) {
            for (int i = 0; i < handles.length; i++) {
                FloatBuffer g = gradients[i];
                if (clip != 1f) {
                    for (int k = 0, n = g.limit(); k < n; k++) {
                        g.put(k, g.get(k) * clip);
                    }
                }
                Param p = params.get(i);
                float[] copy = direct[i] ? null : values(i);
                FloatBuffer values = direct[i] ? view(p.value()) : FloatBuffer.wrap(copy);
                optimizer.update(i, p.name(), values, g);
                if (copy != null) {
                    write(i, copy);
                }
                if (ema != null) {
                    ema.update(i, p.name(), values);
                }
            }
        }

        @Override
        public void close() {
            for (NDArray g : handles) {
                if (g != null) {
                    g.close();
                }
            }
        }
    }

    public float[] values(int i) {
        return params.get(i).value().toFloatArray();
    }

    /**
     * Copies {@code values} into parameter i's own storage, in place and outside autograd. Not {@code
     * NDArray.set(Buffer)}: that repoints the tensor at a Java direct buffer (torch's set_), which corrupted
     * gradients now and then (measured: NaN gradient norms in 3 of 9 identical runs).
     */
    public void write(int i, float[] values) {
        if (values.length != params.get(i).value().size()) {
            throw new IllegalArgumentException("parameter '" + params.get(i).name() + "' has "
                    + params.get(i).value().size() + " values, got " + values.length);
        }
        if (direct[i]) {
            view(params.get(i).value()).put(0, values);
            return;
        }
        NDArray v = params.get(i).value();
        NoGrad.run(() -> {
            try (NDArray source = v.getManager().create(values, v.getShape())) {
                v.set(ALL, source);
            }
            return null;
        });
    }

    /** Sets every gradient to zero (libtorch would otherwise keep adding to it). */
    public void zeroGradients() {
        for (Param p : params) {
            JniUtils.zeroGrad((PtNDArray) p.value());
        }
    }
}
