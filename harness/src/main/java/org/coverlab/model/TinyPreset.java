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

    /** Vocabulary size the tiny preset trains with {@link BpeTrainer} when given captions. */
    public static final int VOCAB_SIZE = 4096;

    /**
     * {@code TinyPreset OUT_FOLDER (--captions FILE [--vocab N] | --tokenizer DIR) [--seed S]}: writes a freshly
     * initialised tiny model folder, with a BPE vocabulary trained on the captions (one per line) or a copy of an
     * existing tokenizer folder.
     */
    public static void main(String[] args) {
        try {
            if (args.length < 3) {
                throw new IllegalArgumentException("usage: TinyPreset OUT_FOLDER (--captions FILE [--vocab N] | "
                        + "--tokenizer DIR) [--seed S]");
            }
            Path out = Path.of(args[0]);
            Path captions = null;
            Path tokenizer = null;
            int vocab = VOCAB_SIZE;
            long seed = 0;
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                switch (args[i]) {
                    case "--captions" -> captions = Path.of(args[i + 1]);
                    case "--tokenizer" -> tokenizer = Path.of(args[i + 1]);
                    case "--vocab" -> vocab = Integer.parseInt(args[i + 1]);
                    case "--seed" -> seed = Long.parseLong(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if ((captions == null) == (tokenizer == null)) {
                throw new IllegalArgumentException("give exactly one of --captions FILE and --tokenizer DIR");
            }
            if (captions != null) {
                writeFolder(out, new BpeTrainer(vocab, 2).train(Files.readAllLines(captions)), seed);
            } else {
                writeFolder(out, tokenizer, seed);
            }
            System.out.println("wrote tiny Stable Diffusion folder " + out + " (seed " + seed + ")");
        } catch (IOException e) {
            System.err.println("error: cannot read captions: " + e.getMessage());
            System.exit(1);
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

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
            for (String f : List.of("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json")) {
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
