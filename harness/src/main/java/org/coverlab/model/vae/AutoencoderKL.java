package org.coverlab.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.coverlab.model.ComponentFolder;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.nn.Scope;

import java.nio.file.Path;
import java.util.Map;

/** diffusers' AutoencoderKL: images in [-1, 1] to a latent Gaussian and latents back to images. */
public final class AutoencoderKL implements AutoCloseable {
    public static final String WEIGHTS = "diffusion_pytorch_model.safetensors";
    /** Pre-0.14 diffusers checkpoints name the mid-block attention projections differently. */
    private static final Map<String, String> LEGACY_ATTENTION = Map.of(
            "query", "to_q", "key", "to_k", "value", "to_v", "proj_attn", "to_out.0");

    private final VaeConfig config;
    private final ParamStore params;
    private final VaeEncoder encoder;
    private final VaeDecoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;

    private AutoencoderKL(VaeConfig c, NDManager manager) {
        this.config = c;
        this.params = new ParamStore(manager);
        Scope root = params.root();
        encoder = new VaeEncoder(root.child("encoder"), c);
        decoder = new VaeDecoder(root.child("decoder"), c);
        long z = c.latentChannels();
        quantConv = c.useQuantConv() ? new Conv2d(root.child("quant_conv"), 2 * z, 2 * z, 1, 1, 0) : null;
        postQuantConv = c.usePostQuantConv() ? new Conv2d(root.child("post_quant_conv"), z, z, 1, 1, 0) : null;
    }

    public static AutoencoderKL load(Path folder, NDManager manager) {
        AutoencoderKL model = new AutoencoderKL(VaeConfig.from(ConfigJson.read(folder.resolve("config.json"))), manager);
        try {
            model.params.load(ComponentFolder.weights(folder, WEIGHTS), AutoencoderKL::canonicalKey, k -> false);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public static AutoencoderKL create(VaeConfig config, NDManager manager, long seed) {
        AutoencoderKL model = new AutoencoderKL(config, manager);
        model.params.initialize(seed);
        return model;
    }

    static String canonicalKey(String key) {
        String marker = ".attentions.0.";
        int at = key.indexOf(marker);
        if (at < 0) {
            return key;
        }
        String rest = key.substring(at + marker.length());
        int dot = rest.indexOf('.');
        String head = dot < 0 ? rest : rest.substring(0, dot);
        String renamed = LEGACY_ATTENTION.get(head);
        return renamed == null ? key : key.substring(0, at + marker.length()) + renamed + rest.substring(head.length());
    }

    /**
     * The state-dict keys and shapes a checkpoint for this config must contain, without allocating any weights
     * (a full-size SD1.5 layout costs nothing to list).
     */
    public static java.util.Map<String, long[]> layout(VaeConfig config) {
        try (NDManager manager = NDManager.newBaseManager();
             AutoencoderKL model = new AutoencoderKL(config, manager)) {
            return model.params.layout();
        }
    }

    public void save(Path folder) {
        ComponentFolder.writeConfig(folder, config.json());
        params.save(folder.resolve(WEIGHTS));
    }

    public VaeConfig config() {
        return config;
    }

    public ParamStore params() {
        return params;
    }

    /** Posterior over latents for images (B, 3, H, W) in [-1, 1]. */
    public DiagonalGaussian encode(NDArray image) {
        NDArray moments = encoder.forward(image);
        return new DiagonalGaussian(quantConv == null ? moments : quantConv.forward(moments));
    }

    /** Images in roughly [-1, 1] from unscaled latents. */
    public NDArray decode(NDArray latents) {
        return decoder.forward(postQuantConv == null ? latents : postQuantConv.forward(latents));
    }

    /**
     * Diffusion-space latents (what the UNet sees) to images: latents / scaling_factor, decoded. shift_factor is not
     * applied, as in diffusers' StableDiffusionPipeline (only the SD3 / Flux pipelines use it).
     */
    public NDArray decodeScaled(NDArray scaledLatents) {
        return decode(scaledLatents.div(config.scalingFactor()));
    }

    /**
     * Latents as the UNet is trained on them: latents * scaling_factor, as diffusers' train_text_to_image.py does
     * (shift_factor not applied, matching {@link #decodeScaled}).
     */
    public NDArray scale(NDArray latents) {
        return latents.mul(config.scalingFactor());
    }

    @Override
    public void close() {
        params.close();
    }
}
