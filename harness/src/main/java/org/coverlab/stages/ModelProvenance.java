package org.coverlab.stages;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which weights drew a grid.
 *
 * @param base          model.base as the spec says it ({@code tiny} or a folder)
 * @param folder        the diffusers folder the weights were loaded from
 * @param pretrained    false when the weights are a seeded random initialisation (the tiny model before pretraining)
 * @param weightsSha256 SHA-256 over the weight and config files the loader reads (see {@link ModelSource})
 * @param description   one line for logs and captions
 * @param pretraining   for the harness-pretrained tiny base: how it was made (model.pretrain.* : cache key, config
 *                      hash, step budget, final losses, CPU seconds); empty otherwise
 */
public record ModelProvenance(String base, String folder, boolean pretrained, String weightsSha256, String description,
                             Map<String, Object> pretraining) {

    public ModelProvenance {
        pretraining = Map.copyOf(pretraining);
    }

    public ModelProvenance(String base, String folder, boolean pretrained, String weightsSha256, String description) {
        this(base, folder, pretrained, weightsSha256, description, Map.of());
    }

    public Map<String, Object> summary() {
        Map<String, Object> m = new TreeMap<>(pretraining);
        m.put("model.base", base);
        m.put("model.pretrained", pretrained);
        m.put("model.weights_sha256", weightsSha256);
        return m;
    }
}
