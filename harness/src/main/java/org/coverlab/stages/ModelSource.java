package org.coverlab.stages;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.model.tokenizer.TrainedVocabulary;
import org.coverlab.run.RunLog;
import org.coverlab.run.RunProvenance;
import org.coverlab.run.RunSettings;
import org.coverlab.spec.ModelSpec;
import org.coverlab.util.FolderBuild;
import org.coverlab.util.Sha256;

/**
 * Turns {@code model.base} into a loaded text-to-image pipeline and says exactly which weights those are.
 *
 * <ul>
 *   <li>a folder: a diffusers Stable Diffusion folder (SD1.5 layout: model_index.json, text_encoder/, unet/, vae/,
 *       tokenizer/, scheduler/), loaded as is;</li>
 *   <li>{@code tiny}: the pretrained tiny model named by {@code -Dcoverlab.tiny.model} or {@code COVERLAB_TINY_MODEL}
 *       (a diffusers folder) when set; otherwise {@link TinyBaseModel}: the tiny architecture with a seeded random
 *       initialisation (seed {@value #TINY_INIT_SEED}) and a BPE vocabulary learnt from a fixed caption corpus, byte
 *       for byte the same in every run of every experiment, written once into the run's {@code model/tiny-init/} and
 *       reported as {@code model.pretrained=false}. Its grids show what an untrained network draws (noise-like
 *       images), which is what they are.</li>
 * </ul>
 */
public final class ModelSource {

    public static final String TINY_PROPERTY = RunSettings.TINY_PROPERTY;
    public static final String TINY_ENV = RunSettings.TINY_ENV;
    static final long TINY_INIT_SEED = TinyBaseModel.SEED;
    public static final String TINY_INIT_DIR = "model/tiny-init";

    /** The files the loader reads; hashing only these keeps unrelated variants (fp16 copies, .bin files) out. */
    private static final List<String> LOADED_FILES = List.of(
            "model_index.json",
            "text_encoder/config.json", "text_encoder/model.safetensors",
            "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
            "vae/config.json", "vae/diffusion_pytorch_model.safetensors",
            "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json",
            "tokenizer/special_tokens_map.json", "scheduler/scheduler_config.json");

    /** A loaded pipeline and where its weights came from. */
    public record Loaded(TextToImagePipeline pipeline, ModelProvenance provenance) {}

    private ModelSource() {
    }

    /**
     * The weights {@code model} resolves to without loading them: model.base's folder, or for {@code tiny} the
     * configured pretrained folder; null when the run makes its own (the tiny model's seeded random initialisation).
     */
    public static RunProvenance.Weights resolve(ModelSpec model, Optional<String> tinyFolder) throws IOException {
        Path folder;
        if (model.isTiny()) {
            if (tinyFolder.isEmpty()) {
                return null;
            }
            folder = Path.of(tinyFolder.get()).toAbsolutePath().normalize();
        } else {
            folder = Path.of(model.base());
        }
        if (!Files.isDirectory(folder)) {
            return new RunProvenance.Weights(folder.toString(), null); // the stage reports the missing folder
        }
        return new RunProvenance.Weights(folder.toString(), hashLoadedFiles(folder));
    }

    /** @param tinyFolder the configured pretrained tiny folder ({@link RunSettings#tinyModel()}), used when model.base is tiny */
    public static Loaded open(ModelSpec model, Path runDir, Optional<String> tinyFolder, NDManager manager, RunLog log)
            throws IOException {
        Path folder;
        boolean pretrained;
        String description;
        if (model.isTiny()) {
            String configured = tinyFolder.orElse(null);
            if (configured != null) {
                folder = Path.of(configured).toAbsolutePath().normalize();
                if (!Files.isDirectory(folder)) {
                    throw new IllegalArgumentException("model.base is tiny and " + TINY_ENV + " (or -D" + TINY_PROPERTY
                            + ") names " + folder + ", which is not a folder; point it at a pretrained tiny diffusers folder or unset it");
                }
                pretrained = true;
                description = "tiny, pretrained weights from " + folder;
            } else {
                folder = runDir.resolve(TINY_INIT_DIR);
                materializeTinyInit(folder, log);
                pretrained = false;
                description = "tiny, random init (seed " + TINY_INIT_SEED + ", not pretrained; model.pretrained=false)";
                log.warn("model.base is tiny and no pretrained tiny weights are configured ({} / -D{}): sampling the seeded "
                        + "random initialisation, so the images are noise-like by construction (model.pretrained=false)",
                        TINY_ENV, TINY_PROPERTY);
            }
        } else {
            folder = Path.of(model.base());
            pretrained = true;
            description = "diffusers folder " + folder;
        }
        log.info("loading model {} ...", description);
        String sha = hashLoadedFiles(folder);
        TextToImagePipeline pipeline = TextToImagePipeline.load(folder, manager);
        return new Loaded(pipeline, new ModelProvenance(model.base(), folder.toString(), pretrained, sha, description));
    }


    /** Built once per run folder by {@link FolderBuild}, so a kill leaves either nothing or a complete folder. */
    private static void materializeTinyInit(Path folder, RunLog log) throws IOException {
        try {
            FolderBuild.ensure(folder, f -> Files.isRegularFile(f.resolve("model_index.json")), into -> {
                long start = System.nanoTime();
                TrainedVocabulary vocabulary = TinyBaseModel.vocabulary();
                log.info("learnt the tiny model's BPE vocabulary ({} tokens, {} merges) from its fixed caption corpus in {} ms",
                        vocabulary.vocabulary().vocab().size(), vocabulary.vocabulary().merges().size(),
                        (System.nanoTime() - start) / 1_000_000);
                TinyBaseModel.write(into, vocabulary);
                log.info("wrote the randomly initialised tiny model to {}", folder);
            }, () -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to build " + folder, e);
        }
    }

    public static String hashLoadedFiles(Path folder) throws IOException {
        return Sha256.ofFiles(folder, LOADED_FILES);
    }
}
