package org.coverlab.model.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** One named tensor as raw little-endian bytes, the unit safetensors files are made of. */
public record TensorEntry(String name, TensorDType dtype, long[] shape, ByteBuffer data) {

    public TensorEntry {
        long expected = dtype.bytes();
        for (long d : shape) {
            expected *= d;
        }
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + dtype + Arrays.toString(shape)
                    + " needs " + expected + " bytes, got " + data.remaining());
        }
        shape = shape.clone();
    }

    public long byteSize() {
        return data.remaining();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
