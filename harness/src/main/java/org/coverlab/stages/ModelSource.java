package org.coverlab.stages;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.coverlab.diffusion.Scheduler;
import org.coverlab.diffusion.SchedulerConfig;
import org.coverlab.diffusion.SchedulerConfigException;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.diffusion.Schedulers;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.clip.ClipTextConfig;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.model.tokenizer.TrainedVocabulary;
import org.coverlab.run.RunLog;
import org.coverlab.run.RunProvenance;
import org.coverlab.run.RunSettings;
import org.coverlab.spec.ModelSpec;
import org.coverlab.training.pretrain.PretrainProgress;
import org.coverlab.util.BadInputException;
import org.coverlab.util.FolderBuild;
import org.coverlab.util.Sha256;

/**
 * Turns {@code model.base} into a loaded text-to-image pipeline and says exactly which weights those are.
 *
 * <ul>
 *   <li>a folder: a diffusers Stable Diffusion folder (SD1.5 layout: model_index.json, text_encoder/, unet/, vae/,
 *       tokenizer/, scheduler/), loaded as is;</li>
 *   <li>{@code tiny}: the harness-pretrained tiny base ({@link PretrainedTinyBase}), built on first use and cached
 *       in the models folder, reported with its pretraining provenance ({@code model.pretrained=true},
 *       {@code model.pretrain.*}). {@code -Dcoverlab.tiny.model} or {@code COVERLAB_TINY_MODEL} override it: a
 *       diffusers folder is loaded instead; the value {@value #TINY_INIT} selects {@link TinyBaseModel}'s seeded
 *       random initialisation (seed {@value #TINY_INIT_SEED}, the same vocabulary), byte for byte the same in every
 *       run, written into the run's {@code model/tiny-init/} and reported as {@code model.pretrained=false}: what an
 *       untrained network draws (noise-like images), for tests and comparisons.</li>
 * </ul>
 */
public final class ModelSource {

    public static final String TINY_PROPERTY = RunSettings.TINY_PROPERTY;
    public static final String TINY_ENV = RunSettings.TINY_ENV;
    static final long TINY_INIT_SEED = TinyBaseModel.SEED;
    /**
     * Where the random initialisation is kept, relative to the runs directory: one folder per recipe
     * ({@link TinyBaseModel#recipeHash}) shared by every run there, instead of a 14 MB copy in each run.
     */
    public static final String TINY_CACHE_DIR = ".cache/models";
    /** The override value that selects the random initialisation instead of the pretrained base. */
    public static final String TINY_INIT = "init";

    /** The files the loader reads; hashing only these keeps unrelated variants (fp16 copies, .bin files) out. */
    private static final List<String> LOADED_FILES = List.of(
            "model_index.json",
            "text_encoder/config.json", "text_encoder/model.safetensors",
            "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
            "vae/config.json", "vae/diffusion_pytorch_model.safetensors",
            "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json",
            "tokenizer/special_tokens_map.json", "scheduler/scheduler_config.json", "tokenizer/tokenizer.json");

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
                // The harness builds the base from its recipe; the folder name carries the recipe key, which is what
                // identifies it (it may not be built yet when a run starts).
                return new RunProvenance.Weights(PretrainedTinyBase.folder(PretrainedTinyBase.modelsDir()).toString(), null);
            }
            if (tinyFolder.get().equals(TINY_INIT)) {
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

    /**
     * Checks the folder {@link #open} would load (configs, safetensors headers, tokenizer, scheduler) without loading
     * weights; the embedded tiny initialisation has no folder to check. Throws the loaders' bad-input exceptions.
     */
    public static void checkFiles(ModelSpec model, Optional<String> tinyFolder) {
        Optional<Path> folder = checkedFolder(model, tinyFolder);
        folder.ifPresent(TextToImagePipeline::checkFiles);
        // the harness's own tiny models (its random initialisation, the pretrained base) have the tiny preset's layers
        int layers = folder.map(f -> ClipTextConfig.from(ConfigJson.read(f.resolve("text_encoder").resolve("config.json")))
                .numLayers()).orElse(TinyPreset.TEXT_LAYERS);
        if (model.clipSkip() >= layers) {
            throw new BadInputException("model.clip_skip is " + model.clipSkip() + " but the text encoder of "
                    + folder.map(Path::toString).orElse("the tiny model") + " has " + layers + " layers; use 0 to "
                    + (layers - 1));
        }
    }

    /** The folder {@link #checkFiles} reads; empty for the harness's own tiny models. */
    private static Optional<Path> checkedFolder(ModelSpec model, Optional<String> tinyFolder) {
        return model.isTiny()
                ? tinyFolder.filter(f -> !f.equals(TINY_INIT)).map(f -> Path.of(f).toAbsolutePath().normalize())
                : Optional.of(Path.of(model.base()));
    }

    /**
     * Refuses a sampler that the model's scheduler config cannot run with {@code steps} steps (PNDM on a model that
     * predicts the sample, more steps than num_train_timesteps, PNDM's Runge-Kutta warm-up with too few): the
     * scheduler is set up as generation would, which needs no native engine. The harness's tiny models have a
     * 1000-step epsilon schedule that takes every scheduler and step count the spec's ranges allow.
     *
     * @param what the spec keys, for the message (e.g. "sample.scheduler ddim with sample.steps 50")
     */
    public static void checkScheduler(ModelSpec model, Optional<String> tinyFolder, SchedulerKind kind, int steps,
                                      String what) {
        Optional<Path> folder = checkedFolder(model, tinyFolder);
        if (folder.isEmpty()) {
            return;
        }
        Path file = folder.get().resolve("scheduler").resolve("scheduler_config.json");
        try (Scheduler scheduler = Schedulers.create(kind, SchedulerConfig.read(file))) {
            scheduler.setTimesteps(steps);
        } catch (IllegalArgumentException | SchedulerConfigException e) {
            throw new BadInputException(what + " cannot run on " + file + ": " + e.getMessage());
        }
    }

    /**
     * @param tinyFolder what {@link RunSettings#tinyModel()} configures for model.base tiny: a diffusers folder,
     *                   {@value #TINY_INIT} for the random initialisation, empty for the pretrained base
     */
    public static Loaded open(ModelSpec model, Path runDir, Optional<String> tinyFolder, NDManager manager, RunLog log)
            throws IOException {
        return open(model, runDir, tinyFolder, manager, log, () -> { });
    }

    /**
     * As {@link #open(ModelSpec, Path, Optional, NDManager, RunLog)}; {@code checkCancelled} (which throws) is called
     * while the tiny base is being pretrained or waited for, so a stop request ends a run there too.
     */
    public static Loaded open(ModelSpec model, Path runDir, Optional<String> tinyFolder, NDManager manager, RunLog log,
                              Runnable checkCancelled)
            throws IOException {
        Path folder;
        boolean pretrained;
        String description;
        Map<String, Object> pretraining = Map.of();
        if (model.isTiny()) {
            String configured = tinyFolder.orElse(null);
            if (configured == null) {
                PretrainedTinyBase.Ready ready = pretrainedBase(log, checkCancelled);
                folder = ready.folder();
                pretrained = true;
                pretraining = ready.provenance();
                description = "tiny, pretrained by the harness (" + folder + ", "
                        + ready.record().path("config").path("vae_steps").asInt() + " VAE + "
                        + ready.record().path("config").path("unet_steps").asInt() + " UNet steps on generic shapes)";
            } else if (configured.equals(TINY_INIT)) {
                folder = tinyInitFolder(runDir.toAbsolutePath().getParent());
                materializeTinyInit(folder, log::info);
                pretrained = false;
                description = "tiny, random init (seed " + TINY_INIT_SEED + ", not pretrained; model.pretrained=false)";
                log.warn("{}={}: sampling the seeded random initialisation of the tiny model, so the images are "
                        + "noise-like by construction (model.pretrained=false)", TINY_ENV, TINY_INIT);
            } else {
                folder = Path.of(configured).toAbsolutePath().normalize();
                if (!Files.isDirectory(folder)) {
                    throw new IllegalArgumentException("model.base is tiny and " + TINY_ENV + " (or -D" + TINY_PROPERTY
                            + ") names " + folder + ", which is not a folder; point it at a pretrained tiny diffusers folder or unset it");
                }
                pretrained = true;
                description = "tiny, pretrained weights from " + folder;
            }
        } else {
            folder = Path.of(model.base());
            pretrained = true;
            description = "diffusers folder " + folder;
        }
        checkCancelled.run();
        log.info("loading model {} ...", description);
        String sha = hashLoadedFiles(folder);
        TextToImagePipeline pipeline = TextToImagePipeline.load(folder, manager);
        return new Loaded(pipeline, new ModelProvenance(model.base(), folder.toString(), pretrained, sha, description,
                pretraining));
    }

    private static PretrainedTinyBase.Ready pretrainedBase(RunLog log, Runnable checkCancelled) throws IOException {
        try {
            return PretrainedTinyBase.ensure(PretrainedTinyBase.modelsDir(), line -> log.info(line), checkCancelled,
                    new PretrainProgress(line -> log.info(line), checkCancelled));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the pretrained tiny base model", e);
        }
    }


    /** Writes the embedded default (its learnt vocabulary and seeded weights) as a diffusers folder. */
    public static void writeEmbeddedDefault(Path folder) {
        TinyBaseModel.write(folder, TinyBaseModel.vocabulary());
    }

    /** The shared folder of the embedded default's random initialisation under a runs directory. */
    public static Path tinyInitFolder(Path runsDir) {
        return runsDir.resolve(TINY_CACHE_DIR).resolve("tiny-init-" + TinyBaseModel.recipeHash().substring(0, 16));
    }

    /**
     * The folder 'tiny' stands for outside a run ({@code coverlab generate --model tiny}), as in a spec: the configured
     * tiny folder, {@value #TINY_INIT} for the random initialisation (in the runs directory's shared cache), else the
     * harness's pretrained base (built once on first use).
     */
    public static Path tinyFolder(Path runsDir, Optional<String> tinyFolder, java.util.function.Consumer<String> info)
            throws IOException {
        if (tinyFolder.isPresent() && !tinyFolder.get().equals(TINY_INIT)) {
            return Path.of(tinyFolder.get()).toAbsolutePath().normalize();
        }
        if (tinyFolder.isEmpty()) {
            try {
                return PretrainedTinyBase.ensure(PretrainedTinyBase.modelsDir(), info, () -> { },
                        new PretrainProgress(info, () -> { })).folder();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the pretrained tiny base model", e);
            }
        }
        Path folder = tinyInitFolder(runsDir);
        materializeTinyInit(folder, info);
        return folder;
    }

    /** Built once by {@link FolderBuild}, so a kill leaves either nothing or a complete folder. */
    private static void materializeTinyInit(Path folder, java.util.function.Consumer<String> info) throws IOException {
        try {
            FolderBuild.ensure(folder, f -> Files.isRegularFile(f.resolve("model_index.json")), into -> {
                long start = System.nanoTime();
                TrainedVocabulary vocabulary = TinyBaseModel.vocabulary();
                info.accept(String.format(java.util.Locale.ROOT, "learnt the tiny model's BPE vocabulary (%d tokens, %d merges)"
                                + " from its fixed caption corpus in %d ms", vocabulary.vocabulary().vocab().size(),
                        vocabulary.vocabulary().merges().size(), (System.nanoTime() - start) / 1_000_000));
                TinyBaseModel.write(into, vocabulary);
                info.accept("wrote the randomly initialised tiny model to " + folder + " (shared by the runs in this folder)");
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
