package org.coverlab.metrics.cover;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import org.coverlab.data.synth.Genre;
import org.coverlab.model.cover.CoverFeatureConfig;
import org.coverlab.model.cover.CoverFeatureNet;
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.FolderBuild;
import org.coverlab.util.Sha256;

/**
 * The trained cover-feature network, built once per config and cached in the models folder as
 * {@code cover-cnn-<config hash>/} ({@code cover_cnn.safetensors} + {@code cover_cnn.json} with the held-out genre
 * accuracy). The first process to need it trains it through {@link FolderBuild} (an OS file lock, a private sibling
 * folder renamed into place), so concurrent runs build it once and a kill never leaves a half-written model.
 */
public final class CoverFeatures {

    public static final String RECORD = "cover_cnn.json";

    private CoverFeatures() {
    }

    public static Path folder(Path modelsDir, CoverFeatureConfig config) {
        return modelsDir.resolve("cover-cnn-" + config.hash());
    }

    /** Opens the cached network, training it first if this config has none yet. */
    public static CoverFeatureNet open(Path modelsDir, CoverFeatureConfig config, NDManager manager, Consumer<String> log)
            throws IOException {
        Path folder = folder(modelsDir, config);
        try {
            FolderBuild.ensure(folder, f -> Files.isRegularFile(f.resolve(RECORD)), into -> build(into, folder, config, manager, log),
                    () -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for another process to train " + folder, e);
        }
        ObjectNode record = (ObjectNode) new ObjectMapper().readTree(folder.resolve(RECORD).toFile());
        double accuracy = record.path("held_out_genre_accuracy").asDouble(Double.NaN);
        return CoverFeatureNet.load(folder, config, CoverFeatureTrainer.classes(), manager,
                String.format(Locale.ROOT, ", held-out genre accuracy %.3f", accuracy));
    }

    /** Trains the network into {@code tmp}, the private folder that becomes {@code folder}. */
    private static void build(Path tmp, Path folder, CoverFeatureConfig config, NDManager manager, Consumer<String> log)
            throws IOException {
        log.accept("cover features: training the cover-feature network once (" + config.canonical() + ") into " + folder);
        CoverFeatureTrainer.Outcome outcome = CoverFeatureTrainer.train(config, manager, log);
        try (CoverFeatureNet net = outcome.net()) {
            net.save(tmp);
        }
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode record = mapper.createObjectNode();
        record.put("name", CoverFeatureNet.NAME);
        record.put("config", config.canonical());
        record.put("config_hash", config.hash());
        record.put("dims", config.dims());
        var genres = record.putArray("genres");
        for (Genre g : Genre.values()) {
            genres.add(g.label());
        }
        record.put("held_out_genre_accuracy", outcome.heldOutAccuracy());
        record.put("held_out_covers", outcome.testCovers());
        record.put("train_covers", outcome.trainCovers());
        record.put("final_loss", outcome.finalLoss());
        record.put("train_seconds", outcome.seconds());
        record.put("weights_sha256", Sha256.ofFile(tmp.resolve(CoverFeatureNet.WEIGHTS)));
        AtomicFiles.write(tmp.resolve(RECORD), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        log.accept(String.format(Locale.ROOT, "cover features: held-out genre accuracy %.3f on %d covers (chance %.3f); "
                        + "trained in %.0f s; saved to %s", outcome.heldOutAccuracy(), outcome.testCovers(),
                1.0 / Genre.values().length, outcome.seconds(), folder));
    }
}
