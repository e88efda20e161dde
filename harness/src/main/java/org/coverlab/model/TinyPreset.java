package org.coverlab.model;

import ai.djl.ndarray.NDManager;
import org.coverlab.model.clip.ClipTextConfig;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;
import org.coverlab.model.vae.AutoencoderKL;
import org.coverlab.model.vae.VaeConfig;
import org.coverlab.spec.Resolution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.coverlab.model.tokenizer.BpeTrainer;
import org.coverlab.model.tokenizer.ClipTokenizer;
import org.coverlab.model.tokenizer.TrainedVocabulary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The embedded default model: Stable Diffusion's architecture at a size that trains on two CPU cores in minutes.
 * Same classes and config keys as the real model, so everything that works here works on SD1.5.
 *
 * <p>Sizes: VAE [16, 32, 64] with 4 latent channels and 8 norm groups (downscale 4: a 64x96 cover is a 4x24x16
 * latent); UNet [32, 64, 64], one resnet per block, cross-attention at the two lower resolutions (12x8 and 6x4
 * tokens), 4 heads; CLIP text encoder with 4 layers of width 128, quick_gelu, 77 positions like SD1.5.
 *
 * <p>Why downscale 4: the UNet's cost grows with the latent's area. UNet forward+backward examples per second on the
 * shared 2-core machine (load average 15-20, OMP_WAIT_POLICY=PASSIVE; README, "The tiny base model"): 48x32 latent
 * (downscale 2, before) 6.2 / 3.0 / 2.3 at batch 4 / 16 / 32; 24x16 (downscale 4) 13.2 / 28.5 / 36.3; 12x8
 * (downscale 8, like SD) 34.4 / 53.3 / 58.2. 24x16 is what the study's budgets need; 12x8 would be faster again but
 * leaves the generic set's 20-pixel shapes only 2-3 latent cells wide, too few for a VAE trained in a minute to draw
 * circles and squares back.
 *
 * <p>{@code coverlab model init-tiny} ({@link org.coverlab.cli.ModelInitTinyCommand}) writes such a folder.
 */
public final class TinyPreset {
    public static final Resolution RESOLUTION = Resolution.TINY;
    public static final int TEXT_WIDTH = 128;
    public static final int MAX_TOKENS = 77;
    /** Transformer layers of the tiny text encoder (model.clip_skip must stay below it). */
    public static final int TEXT_LAYERS = 4;

    private TinyPreset() {
    }

    public static ClipTextConfig textEncoder(int vocabSize, int bosId, int eosId, int padId) {
        return ClipTextConfig.of(vocabSize, TEXT_WIDTH, 4 * TEXT_WIDTH, TEXT_LAYERS, 4, MAX_TOKENS, "quick_gelu", bosId, eosId, padId);
    }

    public static UNetConfig unet() {
        return UNetConfig.of(RESOLUTION.height() / vaeDownscale(), new int[] {32, 64, 64},
                List.of(UNetConfig.DOWN, UNetConfig.CROSS_DOWN, UNetConfig.CROSS_DOWN),
                List.of(UNetConfig.CROSS_UP, UNetConfig.CROSS_UP, UNetConfig.UP),
                1, TEXT_WIDTH, new int[] {4, 4, 4}, 16, false);
    }

    public static VaeConfig vae() {
        return vae(0.18215f);
    }

    /** The tiny VAE with the latent scaling factor a trained VAE measured (1 / std of its latents, as SD did). */
    public static VaeConfig vae(float scalingFactor) {
        return VaeConfig.of(RESOLUTION.height(), new int[] {16, 32, 64}, 1, 4, 8, scalingFactor);
    }

    private static int vaeDownscale() {
        return 4;
    }

    /** Vocabulary size the tiny preset trains with {@link BpeTrainer} when given captions. */
    public static final int VOCAB_SIZE = 4096;

    /** A tiny model folder whose tokenizer is a {@link BpeTrainer} vocabulary (the embedded default's path). */
    public static void writeFolder(Path out, TrainedVocabulary vocabulary, long seed) {
        vocabulary.writeTo(out.resolve("tokenizer"));
        writeNetworksAndScheduler(out, vocabulary.tokenizer(), seed);
    }

    /**
     * Writes a complete diffusers folder for the tiny preset: seeded random networks sized to the tokenizer's
     * vocabulary, a copy of the tokenizer files, SD1.5's DDIM scheduler config and model_index.json. The folder
     * loads with {@link org.coverlab.model.pipeline.TextToImagePipeline#load} and with diffusers.
     */
    public static void writeFolder(Path out, Path tokenizerFolder, long seed) {
        ClipTokenizer tokenizer = ClipTokenizer.load(tokenizerFolder);
        try {
            Path tok = Files.createDirectories(out.resolve("tokenizer"));
            for (String f : List.of("vocab.json", "merges.txt", ClipTokenizer.TOKENIZER_JSON, "tokenizer_config.json",
                    "special_tokens_map.json")) {
                if (Files.isRegularFile(tokenizerFolder.resolve(f))) {
                    Files.copy(tokenizerFolder.resolve(f), tok.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy tokenizer into " + out, e);
        }
        writeNetworksAndScheduler(out, tokenizer, seed);
    }

    private static void writeNetworksAndScheduler(Path out, ClipTokenizer tokenizer, long seed) {
        try (NDManager manager = NDManager.newBaseManager();
             StableDiffusionModels models = create(manager, tokenizer.vocabSize(), tokenizer.bosId(), tokenizer.eosId(),
                     tokenizer.padId(), seed)) {
            models.save(out);
        }
        writeScheduler(out);
    }

    /** {@code scheduler/scheduler_config.json}: SD1.5's DDIM scheduler, which the tiny preset trains and samples with. */
    public static void writeScheduler(Path out) {
        try {
            Path scheduler = Files.createDirectories(out.resolve("scheduler"));
            Files.writeString(scheduler.resolve("scheduler_config.json"), PythonJson.write(sd15DdimScheduler()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tiny model folder " + out, e);
        }
    }

    /** SD1.5's noise schedule with diffusers' DDIMScheduler keys. */
    static ObjectNode sd15DdimScheduler() {
        ObjectNode j = ConfigJson.MAPPER.createObjectNode();
        j.put("_class_name", "DDIMScheduler");
        j.put("_diffusers_version", "0.42.1");
        j.put("beta_end", 0.012);
        j.put("beta_schedule", "scaled_linear");
        j.put("beta_start", 0.00085);
        j.put("clip_sample", false);
        j.put("clip_sample_range", 1.0);
        j.put("dynamic_thresholding_ratio", 0.995);
        j.put("num_train_timesteps", 1000);
        j.put("prediction_type", "epsilon");
        j.put("rescale_betas_zero_snr", false);
        j.put("sample_max_value", 1.0);
        j.put("set_alpha_to_one", false);
        j.put("steps_offset", 1);
        j.put("thresholding", false);
        j.put("timestep_spacing", "leading");
        j.putNull("trained_betas");
        return j;
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
