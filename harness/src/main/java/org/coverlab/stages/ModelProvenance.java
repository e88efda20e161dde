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
 */
public record ModelProvenance(String base, String folder, boolean pretrained, String weightsSha256, String description) {

    public Map<String, Object> summary() {
        Map<String, Object> m = new TreeMap<>();
        m.put("model.base", base);
        m.put("model.pretrained", pretrained);
        m.put("model.weights_sha256", weightsSha256);
        return m;
    }
}
