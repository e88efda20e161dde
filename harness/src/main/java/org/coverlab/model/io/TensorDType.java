package org.coverlab.model.io;

import ai.djl.ndarray.types.DataType;

/** Element types a safetensors header may name, with their byte width and the DJL type used to hold them. */
public enum TensorDType {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    BF16(2, DataType.BFLOAT16),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I16(2, DataType.INT16),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    private final int bytes;
    private final DataType djl;

    TensorDType(int bytes, DataType djl) {
        this.bytes = bytes;
        this.djl = djl;
    }

    public int bytes() {
        return bytes;
    }

    public DataType djl() {
        return djl;
    }

    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /**
     * Rank the safetensors reference writer sorts by (its Dtype enum order, larger first), so our files
     * lay tensors out exactly as {@code safetensors.torch.save_file} does.
     */
    int writerRank() {
        return switch (this) {
            case BOOL -> 0;
            case U8 -> 2;
            case I8 -> 3;
            case I16 -> 6;
            case F16 -> 8;
            case BF16 -> 9;
            case I32 -> 10;
            case F32 -> 12;
            case F64 -> 13;
            case I64 -> 14;
        };
    }

    public static TensorDType parse(String name) {
        for (TensorDType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    public static TensorDType of(DataType type) {
        for (TensorDType t : values()) {
            if (t.djl == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("no safetensors dtype for " + type);
    }
}
