package org.coverlab.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.coverlab.metrics.ActivationStatistics;
import org.coverlab.metrics.MetricsException;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.model.nn.WeightLoadException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab precalc-fid-stats INPUT --out stats.npz}: reference statistics once, cached by content hash. */
@Command(name = "precalc-fid-stats",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Compute FID reference statistics (pytorch-fid's .npz: mu, sigma; plus the features for KID) of a "
                        + "dataset's validation split or of an image folder.",
                "Statistics are cached by content hash in $COVERLAB_MODELS_DIR/fid-stats (else <repo>/models/fid-stats); "
                        + "computing is resumable: run the command again after an interruption and it continues at the "
                        + "first chunk of 256 images not yet done. The file loads in pytorch-fid (fid_score)."},
        footer = {"", "Examples:",
                "  coverlab precalc-fid-stats datasets/synthetic-covers --out synthetic-val.npz",
                "  coverlab precalc-fid-stats /data/goodreads/images/images --images 4000 --out goodreads-4000.npz",
                "", ExitCodes.HELP_SECTION})
public final class PrecalcFidStatsCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Parameters(index = "0", paramLabel = "DATASET_OR_FOLDER", description = "Dataset folder (Goodreads layout) or image folder.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the .npz.")
    Path out;

    @Mixin
    FidOptions options = new FidOptions();

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        String problem = options.check();
        if (problem != null) {
            return fail(ctx, problem);
        }
        Path in = ctx.cwd().resolve(input).normalize();
        Path target = ctx.cwd().resolve(out).normalize();
        if (FidStatsSource.isStatsFile(in) || !Files.isDirectory(in)) {
            return fail(ctx, in + ": expected a dataset folder or a folder of images");
        }
        if (!target.getFileName().toString().endsWith(".npz")) {
            return fail(ctx, "--out " + out + ": the statistics file must end in .npz (numpy appends it otherwise)");
        }
        try (NDManager manager = NDManager.newBaseManager();
             FeatureExtractor extractor = options.openExtractor(ctx, manager)) {
            String dimsProblem = options.dimsProblem(extractor);
            if (dimsProblem != null) {
                return fail(ctx, dimsProblem);
            }
            ActivationStatistics stats = options.statistics(in, extractor, ctx);
            stats.write(target, true);
            ctx.out().println("wrote " + target + " (" + stats.count() + " images, " + stats.dims() + "-d features of "
                    + extractor.name() + ")");
            return ExitCodes.OK;
        } catch (MetricsException | WeightLoadException | IllegalArgumentException e) {
            return fail(ctx, e.getMessage());
        } catch (java.io.IOException e) {
            return fail(ctx, e.getMessage());
        }
    }

    private static int fail(CliContext ctx, String message) {
        ctx.err().println("coverlab precalc-fid-stats: " + message);
        return ExitCodes.BAD_INPUT;
    }
}
