package org.coverlab.metrics.cover;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.Consumer;
import org.coverlab.data.synth.Genre;
import org.coverlab.model.cover.CoverFeatureConfig;
import org.coverlab.model.cover.CoverFeatureNet;
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.Sha256;

/**
 * The trained cover-feature network, built once per config and cached in the models folder as
 * {@code cover-cnn-<config hash>/} ({@code cover_cnn.safetensors} + {@code cover_cnn.json} with the held-out genre
 * accuracy). The first process to need it trains it under an OS file lock into a private sibling folder and renames it
 * into place, so concurrent runs build it once and a kill never leaves a half-written model.
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
        if (!Files.isRegularFile(folder.resolve(RECORD))) {
            Files.createDirectories(modelsDir);
            Path lockFile = modelsDir.resolve("." + folder.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                if (!Files.isRegularFile(folder.resolve(RECORD))) {
                    build(folder, config, manager, log);
                }
            }
        }
        ObjectNode record = (ObjectNode) new ObjectMapper().readTree(folder.resolve(RECORD).toFile());
        double accuracy = record.path("held_out_genre_accuracy").asDouble(Double.NaN);
        return CoverFeatureNet.load(folder, config, CoverFeatureTrainer.classes(), manager,
                String.format(Locale.ROOT, ", held-out genre accuracy %.3f", accuracy));
    }

    private static void build(Path folder, CoverFeatureConfig config, NDManager manager, Consumer<String> log)
            throws IOException {
        log.accept("cover features: training the cover-feature network once (" + config.canonical() + ") into " + folder);
        // under the lock no one else is building: partial folders left by killed builders are garbage
        try (var stale = Files.list(folder.getParent())) {
            for (Path p : stale.filter(p -> p.getFileName().toString().startsWith("." + folder.getFileName() + ".partial-")).toList()) {
                AtomicFiles.deleteTree(p);
            }
        }
        Path tmp = folder.resolveSibling("." + folder.getFileName() + ".partial-" + ProcessHandle.current().pid());
        Files.createDirectories(tmp);
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
        AtomicFiles.fsyncTree(tmp);
        AtomicFiles.deleteTree(folder);
        AtomicFiles.move(tmp, folder);
        log.accept(String.format(Locale.ROOT, "cover features: held-out genre accuracy %.3f on %d covers (chance %.3f); "
                        + "trained in %.0f s; saved to %s", outcome.heldOutAccuracy(), outcome.testCovers(),
                1.0 / Genre.values().length, outcome.seconds(), folder));
    }
}
