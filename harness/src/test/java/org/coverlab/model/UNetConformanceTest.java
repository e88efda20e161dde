package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

class UNetConformanceTest {

    /** unet_a: conv projections, attention at two resolutions; unet_b: linear projections, per-block heads, odd size. */
    @ParameterizedTest
    @ValueSource(strings = {"unet_a", "unet_b"})
    void noisePredictionMatchesDiffusers(String name) {
        try (NDManager m = NDManager.newBaseManager();
             UNet2DConditionModel unet = UNet2DConditionModel.load(Reference.model(name), m)) {
            Map<String, NDArray> io = Reference.io(name, m);
            NDArray out = unet.forward(io.get("latents"), io.get("timesteps"), io.get("encoder_hidden_states"));
            Reference.assertClose(out, io.get("noise_pred"), name + " noise prediction");
        }
    }
}
