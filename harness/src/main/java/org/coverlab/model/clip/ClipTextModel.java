package org.coverlab.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.coverlab.model.ComponentFolder;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.nn.Embedding;
import org.coverlab.model.nn.Init;
import org.coverlab.model.nn.LayerNorm;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.nn.Scope;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' CLIPTextModel (the Stable Diffusion text encoder): token + position embeddings, causal pre-LN
 * transformer, final LayerNorm. Parameter names are the state-dict keys transformers 5 writes; files from
 * transformers 4 (keys prefixed "text_model.") load too and are saved back with their original keys.
 */
public final class ClipTextModel implements AutoCloseable {
    public static final String WEIGHTS = "model.safetensors";
    private static final String LEGACY_PREFIX = "text_model.";

    private final ClipTextConfig config;
    private final ParamStore params;
    private final Embedding tokens;
    private final Embedding positions;
    private final List<ClipEncoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalNorm;

    private ClipTextModel(ClipTextConfig config, NDManager manager) {
        this.config = config;
        this.params = new ParamStore(manager);
        Scope root = params.root();
        Scope emb = root.child("embeddings");
        tokens = new Embedding(emb.child("token_embedding"), config.vocabSize(), config.hiddenSize(), new Init.Normal(0.02f));
        positions = new Embedding(emb.child("position_embedding"), config.maxPositions(), config.hiddenSize(),
                new Init.Normal(0.02f));
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new ClipEncoderLayer(root.child("encoder").child("layers").child(i), config));
        }
        finalNorm = new LayerNorm(root.child("final_layer_norm"), config.hiddenSize(), config.layerNormEps());
    }

    public static ClipTextModel load(Path folder, NDManager manager) {
        ClipTextConfig config = ClipTextConfig.from(ConfigJson.read(folder.resolve("config.json")));
        ClipTextModel model = new ClipTextModel(config, manager);
        try {
            model.params.load(ComponentFolder.weights(folder, WEIGHTS),
                    k -> k.startsWith(LEGACY_PREFIX) ? k.substring(LEGACY_PREFIX.length()) : k,
                    k -> k.equals("embeddings.position_ids"));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public static ClipTextModel create(ClipTextConfig config, NDManager manager, long seed) {
        ClipTextModel model = new ClipTextModel(config, manager);
        model.params.initialize(seed);
        return model;
    }

    /**
     * The state-dict keys and shapes a checkpoint for this config must contain, without allocating any weights
     * (a full-size SD1.5 layout costs nothing to list).
     */
    public static java.util.Map<String, long[]> layout(ClipTextConfig config) {
        try (NDManager manager = NDManager.newBaseManager();
             ClipTextModel model = new ClipTextModel(config, manager)) {
            return model.params.layout();
        }
    }

    public void save(Path folder) {
        ComponentFolder.writeConfig(folder, config.json());
        params.save(folder.resolve(WEIGHTS));
    }

    public ClipTextConfig config() {
        return config;
    }

    public ParamStore params() {
        return params;
    }

    /**
     * Text states for token ids (B, L) of integer type.
     *
     * @param clipSkip 0 for the last hidden state; n > 0 takes the output n layers before the last, then applies
     *                 the final LayerNorm, as diffusers' pipelines do for clip_skip
     */
    public NDArray encode(NDArray ids, int clipSkip) {
        if (clipSkip < 0 || clipSkip >= config.numLayers()) {
            throw new IllegalArgumentException("clip skip " + clipSkip + " must be in [0, " + (config.numLayers() - 1) + "]");
        }
        long length = ids.getShape().get(1);
        if (length > config.maxPositions()) {
            throw new IllegalArgumentException("token sequence of length " + length + " exceeds max_position_embeddings "
                    + config.maxPositions());
        }
        NDManager m = ids.getManager();
        NDArray intIds = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        NDArray x = tokens.forward(intIds).add(positions.forward(m.arange(0, length, 1, DataType.INT64)));
        NDArray mask = causalMask(m, length);
        int run = config.numLayers() - clipSkip;
        for (int i = 0; i < run; i++) {
            x = layers.get(i).forward(x, mask);
        }
        return finalNorm.forward(x);
    }

    private static NDArray causalMask(NDManager m, long length) {
        float[] mask = new float[(int) (length * length)];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[(int) (i * length + j)] = -Float.MAX_VALUE;
            }
        }
        return m.create(mask, new Shape(length, length));
    }

    @Override
    public void close() {
        params.close();
    }
}
