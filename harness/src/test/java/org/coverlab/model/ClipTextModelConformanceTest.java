package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.coverlab.model.clip.ClipTextModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

class ClipTextModelConformanceTest {

    @ParameterizedTest
    @ValueSource(strings = {"clip_quick_gelu", "clip_gelu"})
    void lastHiddenStateAndClipSkipMatchTransformers(String name) {
        try (NDManager m = NDManager.newBaseManager();
             ClipTextModel model = ClipTextModel.load(Reference.model(name), m)) {
            Map<String, NDArray> io = Reference.io(name, m);
            NDArray ids = io.get("input_ids").toType(DataType.INT64, false);
            Reference.assertClose(model.encode(ids, 0), io.get("last_hidden_state"), name + " last hidden state");
            Reference.assertClose(model.encode(ids, 1), io.get("clip_skip_1"), name + " clip skip 1");
        }
    }
}
