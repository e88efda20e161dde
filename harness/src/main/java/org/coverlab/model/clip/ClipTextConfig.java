package org.coverlab.model.clip;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.coverlab.model.ConfigJson;

/** The parts of transformers' CLIPTextConfig the text encoder needs; {@link #json()} keeps the full file. */
public record ClipTextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                             int maxPositions, String hiddenAct, float layerNormEps, int eosTokenId, ObjectNode json) {

    public ClipTextConfig {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numHeads);
        }
        json = json.deepCopy();
    }

    public static ClipTextConfig from(ConfigJson c) {
        String act = c.string("hidden_act", "quick_gelu");
        c.requireOneOf("hidden_act", "quick_gelu", "gelu");
        ClipTextConfig cfg = new ClipTextConfig(c.integer("vocab_size", 49408), c.integer("hidden_size", 512),
                c.integer("intermediate_size", 2048), c.integer("num_hidden_layers", 12),
                c.integer("num_attention_heads", 8), c.integer("max_position_embeddings", 77), act,
                (float) c.real("layer_norm_eps", 1e-5), c.integer("eos_token_id", 49407), c.json());
        return cfg;
    }

    /** A config as transformers writes it, for models created in code (e.g. the tiny preset). */
    public static ClipTextConfig of(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                                    int maxPositions, String hiddenAct, int bosTokenId, int eosTokenId, int padTokenId) {
        ObjectNode j = ConfigJson.MAPPER.createObjectNode();
        j.putArray("architectures").add("CLIPTextModel");
        j.put("attention_dropout", 0.0);
        j.put("bos_token_id", bosTokenId);
        j.put("dtype", "float32");
        j.put("eos_token_id", eosTokenId);
        j.put("hidden_act", hiddenAct);
        j.put("hidden_size", hiddenSize);
        j.put("initializer_factor", 1.0);
        j.put("initializer_range", 0.02);
        j.put("intermediate_size", intermediateSize);
        j.put("layer_norm_eps", 1e-5);
        j.put("max_position_embeddings", maxPositions);
        j.put("model_type", "clip_text_model");
        j.put("num_attention_heads", numHeads);
        j.put("num_hidden_layers", numLayers);
        j.put("pad_token_id", padTokenId);
        j.put("projection_dim", hiddenSize);
        j.put("vocab_size", vocabSize);
        return from(new ConfigJson(null, j));
    }

    @Override
    public ObjectNode json() {
        return json.deepCopy();
    }
}
