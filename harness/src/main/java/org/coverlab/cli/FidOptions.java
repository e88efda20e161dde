package org.coverlab.cli;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.coverlab.metrics.ActivationStatistics;
import org.coverlab.metrics.Extractors;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.spec.EvalSpec;
import picocli.CommandLine.Option;

/** Options the fid commands share: the extractor, batch size, image count and dataset split. */
final class FidOptions {

    @Option(names = "--extractor", defaultValue = "auto", paramLabel = "auto|inception|cover",
            description = "Feature extractor: inception (pytorch-fid's FID InceptionV3, needs converted weights), cover "
                    + "(the cover-feature CNN: fid_cover, not standard FID), auto = inception when its weights are found. "
                    + "Default: ${DEFAULT-VALUE}.")
    String extractor;

    @Option(names = "--inception", paramLabel = "FILE",
            description = "Converted FID Inception weights (scripts/convert_fid_inception.py). Default: "
                    + "pt_inception-2015-12-05-6726825d.safetensors in $COVERLAB_MODELS_DIR (else <repo>/models/).")
    Path inception;

    @Option(names = "--dims", defaultValue = "0", paramLabel = "D",
            description = "Feature dimension to check against the extractor (2048 for the Inception's pool3; pytorch-fid's "
                    + "64/192/768 blocks are not provided). Default: the extractor's.")
    int dims;

    @Option(names = "--batch-size", defaultValue = "0", paramLabel = "N", description = "Images per forward pass. Default: the extractor's (8 Inception, 64 cover).")
    int batchSize;

    @Option(names = "--images", defaultValue = "0", paramLabel = "N",
            description = "Use the first N images of a folder (sorted by name); fewer is an error. Default: all.")
    int images;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Dataset folders: the experiment seed whose validation split is used. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--validation-split", defaultValue = "0.1", paramLabel = "F",
            description = "Dataset folders: the validation fraction. Default: ${DEFAULT-VALUE}.")
    double validationSplit;

    EvalSpec.Extractor extractorChoice() {
        return switch (extractor) {
            case "auto" -> EvalSpec.Extractor.AUTO;
            case "inception" -> EvalSpec.Extractor.INCEPTION;
            case "cover" -> EvalSpec.Extractor.COVER;
            default -> throw new IllegalArgumentException("--extractor must be auto, inception or cover, got '" + extractor + "'");
        };
    }

    String inceptionWeights(Path cwd) {
        return inception == null ? "auto" : cwd.resolve(inception).normalize().toString();
    }

    /** Problems with the options themselves, or null. */
    String check() {
        if (batchSize < 0 || images < 0) {
            return "--batch-size and --images must be >= 0";
        }
        if (validationSplit <= 0 || validationSplit >= 1) {
            return "--validation-split must be between 0 and 1, got " + validationSplit;
        }
        return null;
    }

    /** The extractor these options choose, its progress lines on stderr. */
    FeatureExtractor openExtractor(CliContext ctx, NDManager manager) throws IOException {
        return Extractors.open(extractorChoice(), inceptionWeights(ctx.cwd()), manager,
                line -> ctx.err().println("coverlab: " + line));
    }

    /** Why --dims does not fit the extractor, or null. */
    String dimsProblem(FeatureExtractor extractor) {
        if (dims > 0 && dims != extractor.dims()) {
            return "--dims " + dims + ": " + extractor.name() + " gives " + extractor.dims()
                    + "-dimensional features (only pool3's 2048 is provided for the Inception)";
        }
        return null;
    }

    /** Statistics of a .npz, image folder or dataset folder (already resolved), as these options select. */
    ActivationStatistics statistics(Path input, FeatureExtractor extractor, CliContext ctx) throws IOException {
        int batch = batchSize > 0 ? batchSize : extractor.batchSize();
        return FidStatsSource.statistics(input, extractor, images, batch, seed, validationSplit, ctx.err());
    }
}
