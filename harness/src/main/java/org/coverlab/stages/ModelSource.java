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
import org.coverlab.run.RunSettings;
import org.coverlab.spec.ModelSpec;
import org.coverlab.util.AtomicFiles;
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
    /**
     * Where the random initialisation is kept: {@code $COVERLAB_CACHE_DIR/models}, else {@code ~/.cache/coverlab/models};
     * one folder per recipe ({@link TinyBaseModel#recipeHash}) shared by every run, instead of a 14 MB copy in each
     * run. Outside the runs directory, so that folder holds runs only.
     */
    public static final String CACHE_ENV = "COVERLAB_CACHE_DIR";

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
     * Checks the folder {@link #open} would load (configs, safetensors headers, tokenizer, scheduler) without loading
     * weights; the embedded tiny initialisation has no folder to check. Throws the loaders' bad-input exceptions.
     */
    public static void checkFiles(ModelSpec model, Optional<String> tinyFolder) {
        if (model.isTiny()) {
            tinyFolder.ifPresent(f -> TextToImagePipeline.checkFiles(Path.of(f).toAbsolutePath().normalize()));
            return;
        }
        TextToImagePipeline.checkFiles(Path.of(model.base()));
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
                folder = tinyInitFolder();
                materializeTinyInit(folder, log::info);
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


    /** Writes the embedded default (its learnt vocabulary and seeded weights) as a diffusers folder. */
    public static void writeEmbeddedDefault(Path folder) {
        TinyBaseModel.write(folder, TinyBaseModel.vocabulary());
    }

    /** The shared folder of the embedded default's random initialisation. */
    public static Path tinyInitFolder() {
        String dir = System.getenv(CACHE_ENV);
        Path cache = dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "coverlab") : Path.of(dir);
        return cache.resolve("models").resolve("tiny-init-" + TinyBaseModel.recipeHash().substring(0, 16));
    }

    /**
     * The folder 'tiny' stands for outside a run ({@code coverlab generate --model tiny}): the configured pretrained
     * tiny folder, else the embedded default's random initialisation in the runs directory's shared cache.
     */
    public static Path tinyFolder(Optional<String> tinyFolder, java.util.function.Consumer<String> info)
            throws IOException {
        if (tinyFolder.isPresent()) {
            return Path.of(tinyFolder.get()).toAbsolutePath().normalize();
        }
        Path folder = tinyInitFolder();
        materializeTinyInit(folder, info);
        return folder;
    }

    /**
     * Written into a private temp folder and renamed, so a kill leaves either nothing or a complete folder, and two
     * runs writing it at once both end with the same complete folder (the second rename loses and is discarded).
     */
    private static void materializeTinyInit(Path folder, java.util.function.Consumer<String> info) throws IOException {
        if (Files.isRegularFile(folder.resolve("model_index.json"))) {
            return;
        }
        Files.createDirectories(folder.getParent());
        Path tmp = folder.resolveSibling("." + folder.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        AtomicFiles.deleteTree(tmp);
        long start = System.nanoTime();
        TrainedVocabulary vocabulary = TinyBaseModel.vocabulary();
        info.accept(String.format(java.util.Locale.ROOT, "learnt the tiny model's BPE vocabulary (%d tokens, %d merges)"
                        + " from its fixed caption corpus in %d ms", vocabulary.vocabulary().vocab().size(),
                vocabulary.vocabulary().merges().size(), (System.nanoTime() - start) / 1_000_000));
        TinyBaseModel.write(tmp, vocabulary);
        AtomicFiles.fsyncTree(tmp);
        if (Files.isRegularFile(folder.resolve("model_index.json"))) {
            AtomicFiles.deleteTree(tmp); // another run finished it meanwhile: same recipe, same bytes
            return;
        }
        try {
            AtomicFiles.move(tmp, folder);
        } catch (IOException e) {
            if (!Files.isRegularFile(folder.resolve("model_index.json"))) {
                throw e;
            }
            AtomicFiles.deleteTree(tmp); // lost the race to another run: its folder is the same
            return;
        }
        info.accept("wrote the randomly initialised tiny model to " + folder + " (shared by every run)");
    }

    public static String hashLoadedFiles(Path folder) throws IOException {
        return Sha256.ofFiles(folder, LOADED_FILES);
    }
}
