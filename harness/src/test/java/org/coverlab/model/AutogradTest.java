package org.coverlab.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.nn.Param;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.vae.AutoencoderKL;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fine-tuning needs gradients to reach every parameter, including through the hand-built GroupNorm. */
class AutogradTest {

    @Test
    void everyUNetAndTextEncoderParameterReceivesAGradient() {
        try (NDManager m = NDManager.newBaseManager();
             UNet2DConditionModel unet = UNet2DConditionModel.load(Reference.model("unet_b"), m);
             ClipTextModel clip = ClipTextModel.load(Reference.model("clip_quick_gelu"), m)) {
            Map<String, NDArray> io = Reference.io("unet_b", m);
            Map<String, NDArray> clipIo = Reference.io("clip_quick_gelu", m);
            unet.params().setTrainable(true);
            clip.params().setTrainable(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray text = clip.encode(clipIo.get("input_ids").toType(ai.djl.ndarray.types.DataType.INT64, false), 0);
                NDArray out = unet.forward(io.get("latents"), io.get("timesteps"), io.get("encoder_hidden_states"));
                gc.backward(out.square().mean().add(text.square().mean()));
            }
            assertEquals(List.of(), withoutGradient(unet.params().params()));
            assertEquals(List.of(), withoutGradient(clip.params().params()));
        }
    }

    @Test
    void everyVaeParameterReceivesAGradient() {
        try (NDManager m = NDManager.newBaseManager(); AutoencoderKL vae = AutoencoderKL.load(Reference.model("vae"), m)) {
            Map<String, NDArray> io = Reference.io("vae", m);
            vae.params().setTrainable(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray recon = vae.decode(vae.encode(io.get("image")).mean());
                gc.backward(recon.sub(io.get("image")).square().mean());
            }
            assertEquals(List.of(), withoutGradient(vae.params().params()));
        }
    }

    private static List<String> withoutGradient(Iterable<Param> params) {
        List<String> missing = new ArrayList<>();
        for (Param p : params) {
            if (p.value().getGradient().abs().sum().getFloat() == 0f) {
                missing.add(p.name());
            }
        }
        return missing;
    }
}
