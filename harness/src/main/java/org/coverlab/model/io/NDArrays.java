package org.coverlab.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/** Conversions between safetensors bytes and NDArrays. */
public final class NDArrays {
    private NDArrays() {
    }

    /**
     * An fp32 NDArray owning its memory. DJL wraps a direct ByteBuffer without copying, so data from a memory
     * mapped file is cloned into PyTorch-owned storage before the mapping can be unmapped.
     */
    public static NDArray toFloat32(NDManager manager, ByteBuffer data, long[] shape, TensorDType dtype) {
        NDArray raw = manager.create(data, new Shape(shape), dtype.djl());
        try {
            return dtype == TensorDType.F32 ? raw.duplicate() : raw.toType(DataType.FLOAT32, false);
        } finally {
            raw.close();
            Reference.reachabilityFence(data);
        }
    }

    public static NDArray toFloat32(NDManager manager, TensorEntry t) {
        return toFloat32(manager, t.data(), t.shape(), t.dtype());
    }
}
