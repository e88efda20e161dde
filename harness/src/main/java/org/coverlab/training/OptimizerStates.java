package org.coverlab.training;

import org.coverlab.model.io.TensorDType;
import org.coverlab.model.io.TensorEntry;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading back optimizer and EMA state saved as named tensors, with a clear message when it does not fit. */
final class OptimizerStates {
    private OptimizerStates() {
    }

    static void expect(Map<String, String> metadata, String key, String value) {
        if (!value.equals(metadata.get(key))) {
            throw new IllegalStateException("saved optimizer state has " + key + "=" + metadata.get(key)
                    + " but this run uses " + value);
        }
    }

    static void expectSettings(Map<String, String> metadata, Map<String, String> settings) {
        settings.forEach((k, v) -> expect(metadata, k, v));
    }

    /** "0:name,3:other" as saved by the optimizers: which parameter indices have state. */
    static Map<Integer, String> params(Map<String, String> metadata) {
        Map<Integer, String> out = new LinkedHashMap<>();
        String list = metadata.getOrDefault("params", "");
        if (list.isEmpty()) {
            return out;
        }
        for (String item : list.split(",")) {
            int colon = item.indexOf(':');
            out.put(Integer.parseInt(item.substring(0, colon)), item.substring(colon + 1));
        }
        return out;
    }

    static float[] floats(Map<String, TensorEntry> tensors, String name) {
        TensorEntry t = require(tensors, name, TensorDType.F32);
        float[] out = new float[Math.toIntExact(t.byteSize() / 4)];
        t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    static byte[] bytes(Map<String, TensorEntry> tensors, String name) {
        TensorEntry t = require(tensors, name, TensorDType.U8);
        byte[] out = new byte[Math.toIntExact(t.byteSize())];
        t.data().duplicate().get(out);
        return out;
    }

    private static TensorEntry require(Map<String, TensorEntry> tensors, String name, TensorDType dtype) {
        TensorEntry t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException("saved optimizer state lacks tensor '" + name + "'");
        }
        if (t.dtype() != dtype) {
            throw new IllegalStateException("saved optimizer tensor '" + name + "' is " + t.dtype() + ", expected " + dtype);
        }
        return t;
    }
}
