package org.coverlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.coverlab.model.clip.ClipTextConfig;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;
import org.coverlab.model.vae.AutoencoderKL;
import org.coverlab.model.vae.VaeConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same classes, configured from the real SD1.5 / SD2.1 configs, declare exactly the keys and shapes diffusers
 * and transformers put in those checkpoints (listed from meta-device models by scripts/refvectors/models.py).
 */
class FullSizeLayoutTest {

    /** The in-code SD1.5 config (used by the benchmark) builds the same network as the published config. */
    @org.junit.jupiter.api.Test
    void inCodeSd15ConfigMatchesThePublishedOne() throws IOException {
        JsonNode all = ConfigJson.MAPPER.readTree(Files.readString(Reference.model("full_size_layouts.json")));
        Map<String, long[]> published = UNet2DConditionModel.layout(
                UNetConfig.from(new ConfigJson(null, (ObjectNode) all.get("sd15_unet").get("config"))));
        Map<String, long[]> inCode = UNet2DConditionModel.layout(UNetConfig.sd15());
        assertEquals(published.keySet(), inCode.keySet());
        published.forEach((k, v) -> assertEquals(Arrays.toString(v), Arrays.toString(inCode.get(k)), k));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15_unet", "sd21_unet", "sd_vae", "sd15_text_encoder", "sd21_text_encoder"})
    void realStableDiffusionConfigsDeclareTheCheckpointLayout(String name) throws IOException {
        JsonNode all = ConfigJson.MAPPER.readTree(Files.readString(Reference.model("full_size_layouts.json")));
        JsonNode entry = all.get(name);
        ConfigJson config = new ConfigJson(null, (ObjectNode) entry.get("config"));
        Map<String, long[]> declared = name.endsWith("unet") ? UNet2DConditionModel.layout(UNetConfig.from(config))
                : name.endsWith("vae") ? AutoencoderKL.layout(VaeConfig.from(config))
                : ClipTextModel.layout(ClipTextConfig.from(config));
        List<String> problems = new ArrayList<>();
        TreeSet<String> expectedKeys = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.get("keys").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            expectedKeys.add(e.getKey());
            long[] shape = new long[e.getValue().size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.getValue().get(i).asLong();
            }
            long[] ours = declared.get(e.getKey());
            if (ours == null) {
                problems.add("missing " + e.getKey());
            } else if (!Arrays.equals(ours, shape)) {
                problems.add(e.getKey() + " " + Arrays.toString(ours) + " vs " + Arrays.toString(shape));
            }
        }
        declared.keySet().stream().filter(k -> !expectedKeys.contains(k)).forEach(k -> problems.add("extra " + k));
        assertEquals(List.of(), problems);
    }
}
