package org.coverlab.training;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorEntry;

/** A reference-vector file's float32 tensors by name, in file order, with their shapes. */
record ConformanceTensors(Map<String, float[]> values, Map<String, long[]> shapes) {

    static ConformanceTensors read(Path file) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorEntry t : SafeTensors.readAll(file)) {
            float[] v = new float[Math.toIntExact(t.byteSize() / 4)];
            t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            values.put(t.name(), v);
            shapes.put(t.name(), t.shape());
        }
        return new ConformanceTensors(values, shapes);
    }
}
