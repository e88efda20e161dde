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
 * @param textSteps      text-encoder alignment steps before the denoising phase (0: none), see
 *                       {@link TinyPretraining}: SD's text encoder comes pretrained on images (CLIP), this one learns
 *                       to predict an image's latent from its caption first
 * @param textBatch      alignment batch size
 * @param textLr         alignment AdamW learning rate
 * @param minSnrGamma    min-SNR-gamma weighting of the denoising loss (0: plain MSE)
 * @param noiseOffset    noise offset of the denoising phase (Guttenberg 2023), see {@link TinyPretraining}: without
 *                       it a 24x16 latent keeps its colour visible through SD's noise schedule at every timestep,
 *                       and the model takes the colour from the starting noise instead of from the prompt
 */
public record TinyPretrainConfig(long seed, int images, int vaeSteps, int vaeBatch, int vaeCrop, float vaeLr,
                                 float klWeight, int unetSteps, int unetBatch, float unetLr, float captionDropout,
                                 int textSteps, int textBatch, float textLr, float minSnrGamma,
                                 float noiseOffset) {

    /** Version of the training procedure; part of the cache key. */
    public static final int ALGORITHM = 3;

    public static final TinyPretrainConfig DEFAULT =
            new TinyPretrainConfig(0, 2000, 1200, 16, 24, 2e-4f, 1e-5f, 750, 32, 1e-3f, 0.1f, 400, 64, 1e-3f, 5f, 0.3f);

    public TinyPretrainConfig {
        if (images < 1 || vaeSteps < 0 || unetSteps < 0 || textSteps < 0 || vaeBatch < 1 || unetBatch < 1
                || textBatch < 1 || !(minSnrGamma >= 0) || !(noiseOffset >= 0)) {
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
                unetLr, captionDropout, Math.min(textSteps, unetSteps), textBatch, textLr, minSnrGamma,
                noiseOffset);
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
        m.put("text_steps", textSteps);
        m.put("text_batch", textBatch);
        m.put("text_lr", textLr);
        m.put("min_snr_gamma", minSnrGamma);
        m.put("noise_offset", noiseOffset);
        return m;
    }

    public String sha256() {
        return Sha256.ofText(asMap().toString());
    }
}
