package org.coverlab.model;

import ai.djl.ndarray.NDManager;
import org.coverlab.model.clip.ClipTextConfig;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;
import org.coverlab.model.vae.AutoencoderKL;
import org.coverlab.model.vae.VaeConfig;
import org.coverlab.spec.Resolution;

import java.util.List;

/**
 * The embedded default model: Stable Diffusion's architecture at a size that trains on two CPU cores in minutes.
 * Same classes and config keys as the real model, so everything that works here works on SD1.5.
 *
 * <p>Sizes: VAE [32, 64] with 4 latent channels (downscale 2: a 64x96 cover is a 4x48x32 latent); UNet
 * [32, 64, 64], one resnet per block, cross-attention at the two lower resolutions (24x16 and 12x8 tokens, cheap
 * enough for CPU), 4 heads; CLIP text encoder with 4 layers of width 128, quick_gelu, 77 positions like SD1.5.
 */
public final class TinyPreset {
    public static final Resolution RESOLUTION = Resolution.TINY;
    public static final int TEXT_WIDTH = 128;
    public static final int MAX_TOKENS = 77;

    private TinyPreset() {
    }

    public static ClipTextConfig textEncoder(int vocabSize, int bosId, int eosId, int padId) {
        return ClipTextConfig.of(vocabSize, TEXT_WIDTH, 4 * TEXT_WIDTH, 4, 4, MAX_TOKENS, "quick_gelu", bosId, eosId, padId);
    }

    public static UNetConfig unet() {
        return UNetConfig.of(RESOLUTION.height() / vaeDownscale(), new int[] {32, 64, 64},
                List.of(UNetConfig.DOWN, UNetConfig.CROSS_DOWN, UNetConfig.CROSS_DOWN),
                List.of(UNetConfig.CROSS_UP, UNetConfig.CROSS_UP, UNetConfig.UP),
                1, TEXT_WIDTH, new int[] {4, 4, 4}, 16, false);
    }

    public static VaeConfig vae() {
        return VaeConfig.of(RESOLUTION.height(), new int[] {32, 64}, 1, 4, 16, 0.18215f);
    }

    private static int vaeDownscale() {
        return 2;
    }

    /** Seeded random initialisation of the three networks (diffusers' / transformers' default init styles). */
    public static StableDiffusionModels create(NDManager manager, int vocabSize, int bosId, int eosId, int padId,
                                               long seed) {
        ClipTextModel text = ClipTextModel.create(textEncoder(vocabSize, bosId, eosId, padId), manager, seed);
        UNet2DConditionModel unet = UNet2DConditionModel.create(unet(), manager, seed + 1);
        AutoencoderKL vae = AutoencoderKL.create(vae(), manager, seed + 2);
        return new StableDiffusionModels(text, unet, vae);
    }
}
