package org.coverlab.metrics;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.coverlab.metrics.cover.CoverFeatures;
import org.coverlab.model.cover.CoverFeatureConfig;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.model.inception.FidInceptionV3;
import org.coverlab.spec.EvalSpec;
import org.coverlab.util.ModelsDir;

/**
 * Picks the feature extractor: the FID Inception when its converted weights are given or found in the models folder
 * (standard {@code fid}/{@code kid}), else the cover-feature CNN ({@code fid_cover}/{@code kid_cover}), trained on
 * first use and cached there.
 */
public final class Extractors {

    private Extractors() {
    }

    /** The Inception weights to use: {@code weights} when not "auto", else the models folder's file if present; or null. */
    public static Path inceptionWeights(String weights) {
        if (weights != null && !weights.isBlank() && !"auto".equals(weights)) {
            return Path.of(weights);
        }
        Path found = ModelsDir.resolve().resolve(FidInceptionV3.WEIGHTS_FILE);
        return Files.isRegularFile(found) ? found : null;
    }

    /** Which extractor a choice resolves to, without loading it (a cheap up-front check). */
    public static EvalSpec.Extractor resolve(EvalSpec.Extractor choice, String weights) {
        Path w = inceptionWeights(weights);
        return switch (choice) {
            case INCEPTION -> {
                if (w == null || !Files.isRegularFile(w)) {
                    throw new MetricsException("the FID Inception weights are not there: " + (w != null ? w
                            : ModelsDir.resolve().resolve(FidInceptionV3.WEIGHTS_FILE)) + " (convert pytorch-fid's "
                            + "pt_inception-2015-12-05-6726825d.pth with scripts/convert_fid_inception.py)");
                }
                yield EvalSpec.Extractor.INCEPTION;
            }
            case COVER -> EvalSpec.Extractor.COVER;
            case AUTO -> w != null ? EvalSpec.Extractor.INCEPTION : EvalSpec.Extractor.COVER;
        };
    }

    public static FeatureExtractor open(EvalSpec.Extractor choice, String weights, NDManager manager, Consumer<String> log)
            throws IOException {
        if (resolve(choice, weights) == EvalSpec.Extractor.INCEPTION) {
            return FidInceptionV3.load(inceptionWeights(weights), manager);
        }
        return CoverFeatures.open(ModelsDir.resolve(), CoverFeatureConfig.DEFAULT, manager, log);
    }

    /** Where cached reference statistics live: {@code <models dir>/fid-stats/}. */
    public static Path statisticsCache() {
        return ModelsDir.resolve().resolve("fid-stats");
    }
}
