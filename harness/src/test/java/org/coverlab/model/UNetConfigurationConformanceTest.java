package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UNet configurations where a loader could read diffusers' config differently (scripts/refvectors/loader_configs.py). */
class UNetConfigurationConformanceTest {

    /**
     * resnet_out_scale_factor 0.5 on standard down/up blocks changes nothing in diffusers (it only reaches
     * ResnetDownsampleBlock2D and the SimpleCrossAttn blocks); mid_block_scale_factor 1.5 scales the mid block.
     */
    @Test
    void resnetOutScaleFactorLeavesStandardBlocksAsDiffusersDoes() {
        assertNoisePredictionMatches("unet_scales");
    }

    /** "mid_block_type": null is a UNet without a mid block, not the default mid block with 46 missing keys. */
    @Test
    void nullMidBlockTypeLoadsAUNetWithoutAMidBlock() {
        UNetConfig config = UNetConfig.from(ConfigJson.read(Reference.model("unet_nomid").resolve("config.json")));
        assertFalse(config.midBlock());
        assertTrue(UNet2DConditionModel.layout(config).keySet().stream().noneMatch(k -> k.startsWith("mid_block.")));
        assertNoisePredictionMatches("unet_nomid");
    }

    private static void assertNoisePredictionMatches(String name) {
        try (NDManager m = NDManager.newBaseManager();
             UNet2DConditionModel unet = UNet2DConditionModel.load(Reference.model(name), m)) {
            Map<String, NDArray> io = Reference.io(name, m);
            NDArray out = unet.forward(io.get("latents"), io.get("timesteps"), io.get("encoder_hidden_states"));
            Reference.assertClose(out, io.get("noise_pred"), name + " noise prediction");
        }
    }
}
