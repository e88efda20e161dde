package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.coverlab.model.vae.AutoencoderKL;
import org.coverlab.model.vae.DiagonalGaussian;
import org.junit.jupiter.api.Test;

import java.util.Map;

class VaeConformanceTest {

    @Test
    void posteriorSampleAndDecodeMatchDiffusers() {
        try (NDManager m = NDManager.newBaseManager();
             AutoencoderKL vae = AutoencoderKL.load(Reference.model("vae"), m)) {
            Map<String, NDArray> io = Reference.io("vae", m);
            DiagonalGaussian posterior = vae.encode(io.get("image"));
            Reference.assertClose(posterior.mean(), io.get("mean"), "vae posterior mean");
            Reference.assertClose(posterior.logvar(), io.get("logvar"), "vae posterior logvar");
            // diffusers drew the noise with torch.Generator().manual_seed(1234)
            Reference.assertClose(posterior.sample(1234), io.get("sample_seed_1234"), "vae posterior sample");
            Reference.assertClose(vae.decode(io.get("latents")), io.get("decoded"), "vae decode");
        }
    }
}
