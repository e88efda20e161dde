package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.coverlab.model.io.NDArrays;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorDType;
import org.coverlab.model.io.TensorEntry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The parameters of one model, declared by its modules at construction and filled by loading a checkpoint or
 * by seeded initialisation. Owns the NDManager the values live in; closing the store frees them.
 */
public final class ParamStore implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, TensorEntry> buffers = new LinkedHashMap<>();
    private Map<String, String> metadata = Map.of("format", "pt");
    private boolean trainable;

    public ParamStore(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    public Scope root() {
        return new Scope(this, "");
    }

    public NDManager manager() {
        return manager;
    }

    Param declare(String name, Shape shape, Init init) {
        if (params.containsKey(name)) {
            throw new IllegalStateException("parameter '" + name + "' declared twice");
        }
        Param p = new Param(name, shape, init);
        params.put(name, p);
        return p;
    }

    public Collection<Param> params() {
        return Collections.unmodifiableCollection(params.values());
    }

    public Param get(String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'");
        }
        return p;
    }

    /** Declared parameter names and shapes, in declaration order. */
    public Map<String, long[]> layout() {
        Map<String, long[]> out = new LinkedHashMap<>();
        params.values().forEach(p -> out.put(p.name(), p.shape().getShape()));
        return out;
    }

    public long parameterCount() {
        return params.values().stream().mapToLong(p -> p.shape().size()).sum();
    }

    /** Fills every parameter from its init rule; each draws from its own stream so order of declaration is irrelevant. */
    public void initialize(long seed) {
        for (Param p : params.values()) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + stableHash(p.name()));
            float[] values = p.init().sample(Math.toIntExact(p.shape().size()), random);
            p.set(withGradient(manager.create(values, p.shape())), TensorDType.F32, p.name());
        }
    }

    /** Fills every parameter with values computed from its name and shape (e.g. weights a reference script also makes). */
    public void fill(java.util.function.BiFunction<String, long[], float[]> values) {
        for (Param p : params.values()) {
            float[] v = values.apply(p.name(), p.shape().getShape());
            p.set(withGradient(manager.create(v, p.shape())), TensorDType.F32, p.name());
        }
    }

    /**
     * Loads a safetensors checkpoint. Every declared parameter must be present with its declared shape and the
     * file must hold nothing else (apart from known non-parameter buffers, kept to be written back on save);
     * otherwise nothing is loaded and a {@link WeightLoadException} lists all problems.
     *
     * @param toName maps a file key to the parameter name (e.g. strips a legacy "text_model." prefix)
     * @param isBuffer keys that are not parameters but may legitimately appear (e.g. CLIP's position_ids)
     */
    public void load(Path file, UnaryOperator<String> toName, Predicate<String> isBuffer) {
        SafeTensors.Header header = SafeTensors.readHeader(file);
        Map<String, SafeTensors.Layout> byName = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<SafeTensors.Layout> bufferLayouts = new ArrayList<>();
        for (SafeTensors.Layout l : header.tensors().values()) {
            String name = toName.apply(l.name());
            Param p = params.get(name);
            if (p == null) {
                if (isBuffer.test(name)) {
                    bufferLayouts.add(l);
                } else {
                    unexpected.add(l.name());
                }
                continue;
            }
            byName.put(name, l);
            if (!Arrays.equals(p.shape().getShape(), l.shape())) {
                mismatched.add(l.name() + ": file " + Arrays.toString(l.shape()) + ", model expects "
                        + Arrays.toString(p.shape().getShape()));
            } else if (!l.dtype().isFloating()) {
                mismatched.add(l.name() + ": dtype " + l.dtype() + " is not a floating-point type");
            }
        }
        List<String> missing = params.keySet().stream().filter(n -> !byName.containsKey(n)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new WeightLoadException(file, missing, unexpected, mismatched);
        }
        for (Map.Entry<String, SafeTensors.Layout> e : byName.entrySet()) {
            SafeTensors.Layout l = e.getValue();
            NDArray fp32 = NDArrays.toFloat32(manager, SafeTensors.readData(header, l), l.shape(), l.dtype());
            params.get(e.getKey()).set(withGradient(fp32), l.dtype(), l.name());
        }
        buffers.clear();
        for (SafeTensors.Layout l : bufferLayouts) {
            ByteBuffer data = SafeTensors.readData(header, l);
            ByteBuffer copy = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(data).flip();
            buffers.put(l.name(), new TensorEntry(l.name(), l.dtype(), l.shape(), copy));
        }
        metadata = new LinkedHashMap<>(header.metadata());
    }

    /** Writes all parameters (in their checkpoint dtype and key) plus carried buffers, as diffusers would. */
    public void save(Path file) {
        List<SafeTensors.PendingTensor> entries = new ArrayList<>();
        for (Param p : params.values()) {
            NDArray v = p.value();
            entries.add(new SafeTensors.PendingTensor(p.fileKey(), p.storedAs(), p.shape().getShape(), () -> {
                // converted one tensor at a time, when the writer reaches it
                try (NDArray stored = v.toType(p.storedAs().djl(), true)) {
                    return stored.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                }
            }));
        }
        for (TensorEntry b : buffers.values()) {
            entries.add(new SafeTensors.PendingTensor(b.name(), b.dtype(), b.shape(), b::data));
        }
        SafeTensors.writeStreaming(file, metadata, entries);
    }

    /** Marks every parameter as requiring gradients (for fine-tuning) or not (for sampling). */
    public void setTrainable(boolean on) {
        trainable = on;
        for (Param p : params.values()) {
            if (p.hasValue()) {
                p.value().setRequiresGradient(on);
            }
        }
    }

    private NDArray withGradient(NDArray v) {
        if (trainable) {
            v.setRequiresGradient(true);
        }
        return v;
    }

    private static long stableHash(String s) {
        long h = 1125899906842597L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return h;
    }

    @Override
    public void close() {
        manager.close();
    }
}
