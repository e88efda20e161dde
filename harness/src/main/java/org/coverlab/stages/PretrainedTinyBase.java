package org.coverlab.stages;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.tokenizer.TrainedVocabulary;
import org.coverlab.training.pretrain.TinyPretrainConfig;
import org.coverlab.training.pretrain.TinyPretraining;
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.GenerationLock;

/**
 * The pretrained tiny base model that {@code model.base: tiny} means: built once by {@link TinyPretraining} with
 * {@link TinyPretrainConfig#DEFAULT} and cached as {@code <models>/tiny-base-<key>/}, where the key hashes the config,
 * the architecture and the vocabulary ({@link TinyPretraining#cacheKey}), so a change to any of them builds a new one
 * beside the old. Every experiment, test and command on this machine reuses the cached folder.
 *
 * <p>First it looks for the finished folder; if it is missing it takes the folder's {@link GenerationLock} (so
 * processes starting together build once, the others wait), builds into a private sibling
 * {@code .tiny-base-<key>.tmp-<pid>} and renames that into place, so a kill leaves no half-written model. The models
 * folder is {@code -Dcoverlab.models.dir}, else {@code $COVERLAB_MODELS_DIR}, else {@code models/} in the repository
 * (git-ignored).
 */
public final class PretrainedTinyBase {

    public static final String MODELS_PROPERTY = "coverlab.models.dir";
    public static final String MODELS_ENV = "COVERLAB_MODELS_DIR";
    public static final String PREFIX = "tiny-base-";

    /** One builder per JVM: OS file locks do not exclude threads of the same process. */
    private static final Object BUILDING = new Object();

    /** A ready folder, its pretraining record and whether this call built it. */
    public record Ready(Path folder, JsonNode record, boolean built) {

        /** Provenance entries for a run's summary and grid records: model.pretrain.*. */
        public Map<String, Object> provenance() {
            Map<String, Object> m = new TreeMap<>();
            m.put("model.pretrain.cache_key", record.path("cache_key").asText());
            m.put("model.pretrain.config_sha256", record.path("config_sha256").asText());
            m.put("model.pretrain.vae_steps", record.path("config").path("vae_steps").asInt());
            m.put("model.pretrain.unet_steps", record.path("config").path("unet_steps").asInt());
            m.put("model.pretrain.final_vae_loss", record.path("final_vae_loss").asDouble());
            m.put("model.pretrain.final_denoise_loss", record.path("final_denoise_loss").asDouble());
            m.put("model.pretrain.cpu_seconds", record.path("cpu_seconds").asDouble());
            return m;
        }
    }

    private PretrainedTinyBase() {
    }

    /** The models folder: -Dcoverlab.models.dir, $COVERLAB_MODELS_DIR, else the repository's models/. */
    public static Path modelsDir() {
        String v = System.getProperty(MODELS_PROPERTY);
        if (v == null || v.isBlank()) {
            v = System.getenv(MODELS_ENV);
        }
        if (v != null && !v.isBlank()) {
            return Path.of(v.trim()).toAbsolutePath().normalize();
        }
        return repositoryRoot().resolve("models");
    }

    /**
     * The checkout the harness runs from: the folder holding harness/pom.xml above the classes or jar (so tests,
     * child JVMs and the launcher all share one cache), or the working directory when run from elsewhere.
     */
    static Path repositoryRoot() {
        try {
            Path code = Path.of(PretrainedTinyBase.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code.toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("harness").resolve("pom.xml"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    /** Where the default config's build lives (or will) under {@code modelsDir}. */
    public static Path folder(Path modelsDir) {
        return modelsDir.resolve(PREFIX + key().substring(0, 16));
    }

    static String key() {
        return TinyPretraining.cacheKey(TinyPretrainConfig.DEFAULT, TinyBaseModel.vocabulary());
    }

    /**
     * The cached build under {@code modelsDir}, building it first if it is missing.
     *
     * @param say            one-line messages (building, waiting for another builder, reused)
     * @param checkCancelled throws to stop waiting for another builder
     * @param progress       per-step progress while building
     */
    public static Ready ensure(Path modelsDir, Consumer<String> say, Runnable checkCancelled,
                               TinyPretraining.Listener progress) throws IOException, InterruptedException {
        return ensure(modelsDir, TinyPretrainConfig.DEFAULT, say, checkCancelled, progress);
    }

    /** As {@link #ensure(Path, Consumer, Runnable, TinyPretraining.Listener)} for another config (tests). */
    public static Ready ensure(Path modelsDir, TinyPretrainConfig config, Consumer<String> say, Runnable checkCancelled,
                               TinyPretraining.Listener progress) throws IOException, InterruptedException {
        TrainedVocabulary vocabulary = TinyBaseModel.vocabulary(checkCancelled); // the cache key needs it
        String key = TinyPretraining.cacheKey(config, vocabulary);
        Path folder = modelsDir.resolve(PREFIX + key.substring(0, 16));
        if (complete(folder)) {
            return new Ready(folder, record(folder), false);
        }
        synchronized (BUILDING) {
            try (GenerationLock lock = GenerationLock.acquire(folder, new GenerationLock.Waiting(say, checkCancelled))) {
                if (complete(folder)) {
                    say.accept("the pretrained tiny base model was built by another process meanwhile: " + folder);
                    return new Ready(folder, record(folder), false);
                }
                removeStaleBuilds(folder);
                Path tmp = folder.resolveSibling("." + folder.getFileName() + ".tmp-" + ProcessHandle.current().pid());
                say.accept(String.format(Locale.ROOT, "pretraining the tiny base model into %s (first use on this "
                        + "machine; %d VAE steps, %d text-encoder steps, then %d UNet steps on %d generic images; "
                        + "about 9 minutes on two cores, then cached for every run)", folder, config.vaeSteps(),
                        config.textSteps(), config.unetSteps(), config.images()));
                TinyPretraining.Result r;
                try {
                    r = TinyPretraining.build(config, vocabulary, tmp, progress);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException("pretraining the tiny base model failed: " + e.getMessage(), e);
                }
                AtomicFiles.fsyncTree(tmp);
                AtomicFiles.deleteTree(folder);
                AtomicFiles.move(tmp, folder);
                say.accept(String.format(Locale.ROOT, "pretrained the tiny base model in %.0f s (%.0f CPU s): final "
                        + "VAE loss %.4f, final denoising loss %.4f; cached at %s", r.totalSeconds(), r.cpuSeconds(),
                        r.vaeLoss(), r.denoiseLoss(), folder));
                return new Ready(folder, record(folder), true);
            }
        }
    }

    private static boolean complete(Path folder) {
        return Files.isRegularFile(folder.resolve(TinyPretraining.RECORD))
                && Files.isRegularFile(folder.resolve("model_index.json"));
    }

    private static JsonNode record(Path folder) throws IOException {
        return ConfigJson.MAPPER.readTree(folder.resolve(TinyPretraining.RECORD).toFile());
    }

    /** Private build folders of killed builders (their lock is gone, and we hold it now). */
    private static void removeStaleBuilds(Path folder) throws IOException {
        if (!Files.isDirectory(folder.getParent())) {
            return;
        }
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(folder.getParent(),
                "." + folder.getFileName() + ".tmp-*")) {
            for (Path p : stale) {
                AtomicFiles.deleteTree(p);
            }
        }
    }
}
