package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.coverlab.model.io.TensorDType;

/**
 * A named trainable tensor. The name is the diffusers / transformers state-dict key, so checkpoints map 1:1.
 * Values are held in fp32 for compute; {@link #storedAs()} remembers the checkpoint dtype for saving back.
 */
public final class Param {
    private final String name;
    private final Shape shape;
    private final Init init;
    private NDArray value;
    private TensorDType storedAs = TensorDType.F32;
    private String fileKey;

    Param(String name, Shape shape, Init init) {
        this.name = name;
        this.shape = shape;
        this.init = init;
        this.fileKey = name;
    }

    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    Init init() {
        return init;
    }

    /** The current value; fails clearly if the model was neither loaded nor initialised. */
    public NDArray value() {
        if (value == null) {
            throw new IllegalStateException("parameter '" + name + "' has no value: load or initialise the model first");
        }
        return value;
    }

    public boolean hasValue() {
        return value != null;
    }

    void set(NDArray v, TensorDType dtype, String key) {
        if (value != null) {
            value.close();
        }
        value = v;
        storedAs = dtype;
        fileKey = key;
    }

    public TensorDType storedAs() {
        return storedAs;
    }

    /** The key this parameter had in the file it came from (differs from name() only for legacy layouts). */
    public String fileKey() {
        return fileKey;
    }

    @Override
    public String toString() {
        return name + shape;
    }
}
