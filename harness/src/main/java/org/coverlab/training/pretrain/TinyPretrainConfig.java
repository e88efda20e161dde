package org.coverlab.training.pretrain;

import java.util.LinkedHashMap;
import java.util.Map;
import org.coverlab.util.Sha256;

/**
 * Everything that decides the pretrained tiny base's weights, so its hash names the cached folder: the seed, the
 * generic image set's size, both phases' step counts, batch sizes and learning rates, and {@link #ALGORITHM} (bumped
 * whenever the code changes what these numbers produce). The architecture and vocabulary are hashed beside it by the
 * caller ({@link TinyPretraining#cacheKey}).
 *
 * <p>The budget is fixed in optimizer steps, not seconds, so a build does the same work on any machine; the measured
 * time and CPU time of a build are in the README, "The tiny base model".
 *
 * @param seed           seeds the image set, crops, noise, timesteps and initialisation
 * @param images         generic image-caption pairs rendered (in memory) for both phases
 * @param vaeSteps       VAE optimizer steps (reconstruction + KL)
 * @param vaeBatch       VAE batch size (random crops)
 * @param vaeCrop        side of the square random crops the VAE trains on (it is convolutional; crops are cheaper)
 * @param vaeLr          VAE AdamW learning rate
 * @param klWeight       weight of the KL term against the per-pixel MSE
 * @param unetSteps      UNet + text encoder optimizer steps (denoising loss)
 * @param unetBatch      UNet + text encoder batch size
 * @param unetLr         UNet + text encoder AdamW learning rate
 * @param captionDropout share of captions replaced by the empty prompt, so classifier-free guidance has an
 *                       unconditional prediction to push against
 */
public record TinyPretrainConfig(long seed, int images, int vaeSteps, int vaeBatch, int vaeCrop, float vaeLr,
                                 float klWeight, int unetSteps, int unetBatch, float unetLr, float captionDropout) {

    /** Version of the training procedure; part of the cache key. */
    public static final int ALGORITHM = 1;

    public static final TinyPretrainConfig DEFAULT =
            new TinyPretrainConfig(0, 2000, 600, 8, 32, 2e-3f, 1e-5f, 300, 32, 6e-4f, 0.1f);

    public TinyPretrainConfig {
        if (images < 1 || vaeSteps < 0 || unetSteps < 0 || vaeBatch < 1 || unetBatch < 1) {
            throw new IllegalArgumentException("images and batch sizes must be >= 1 and step counts >= 0");
        }
        if (vaeCrop < 8 || vaeCrop % 4 != 0) {
            throw new IllegalArgumentException("vaeCrop must be a multiple of 4 and at least 8, got " + vaeCrop);
        }
        if (!(captionDropout >= 0 && captionDropout < 1)) {
            throw new IllegalArgumentException("captionDropout must be in [0, 1), got " + captionDropout);
        }
    }

    /** The same procedure with fewer steps and images: for tests of the machinery, never for the cached base. */
    public TinyPretrainConfig scaledDown(int images, int vaeSteps, int unetSteps) {
        return new TinyPretrainConfig(seed, images, vaeSteps, vaeBatch, vaeCrop, vaeLr, klWeight, unetSteps, unetBatch,
                unetLr, captionDropout);
    }

    /** Ordered key/value view, written into pretrain.json and hashed. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", ALGORITHM);
        m.put("seed", seed);
        m.put("images", images);
        m.put("vae_steps", vaeSteps);
        m.put("vae_batch", vaeBatch);
        m.put("vae_crop", vaeCrop);
        m.put("vae_lr", vaeLr);
        m.put("kl_weight", klWeight);
        m.put("unet_steps", unetSteps);
        m.put("unet_batch", unetBatch);
        m.put("unet_lr", unetLr);
        m.put("caption_dropout", captionDropout);
        return m;
    }

    public String sha256() {
        return Sha256.ofText(asMap().toString());
    }
}
