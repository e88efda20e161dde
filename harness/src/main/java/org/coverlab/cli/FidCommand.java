package org.coverlab.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.coverlab.metrics.ActivationStatistics;
import org.coverlab.metrics.FrechetDistance;
import org.coverlab.metrics.MetricsException;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.model.nn.WeightLoadException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab fid A B}: the Fréchet distance between two statistics files, image folders or dataset folders. */
@Command(name = "fid",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Print the Fréchet distance between two inputs, as pytorch-fid's command line does.",
                "Each input is a statistics .npz (pytorch-fid's format), a folder of images, or a dataset folder "
                        + "(its validation split). Folder statistics are cached by content hash. The output names the "
                        + "feature extractor: 'FID' for the FID Inception, 'fid_cover' for the cover-feature CNN."},
        footer = {"", "Examples:",
                "  coverlab fid runs/ab12cd34/eval/base/images datasets/synthetic-covers",
                "  coverlab fid stats-a.npz stats-b.npz --extractor inception",
                "", ExitCodes.HELP_SECTION})
public final class FidCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Parameters(index = "0", paramLabel = "A", description = "Statistics .npz, image folder or dataset folder.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "Statistics .npz, image folder or dataset folder.")
    Path b;

    @Mixin
    FidOptions options = new FidOptions();

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        String problem = options.check();
        if (problem != null) {
            return fail(ctx, problem);
        }
        try (NDManager manager = NDManager.newBaseManager();
             FeatureExtractor extractor = options.openExtractor(ctx, manager)) {
            String dimsProblem = options.dimsProblem(extractor);
            if (dimsProblem != null) {
                return fail(ctx, dimsProblem);
            }
            ActivationStatistics sa = options.statistics(ctx.cwd().resolve(a).normalize(), extractor, ctx);
            ActivationStatistics sb = options.statistics(ctx.cwd().resolve(b).normalize(), extractor, ctx);
            double fid = FrechetDistance.of(sa, sb);
            String label = extractor.metricSuffix().isEmpty() ? "FID" : "fid" + extractor.metricSuffix();
            ctx.out().println(String.format(Locale.ROOT, "%s: %s", label, Double.toString(fid)));
            ctx.err().println("coverlab: extractor " + extractor.description() + "; images " + count(sa) + " vs " + count(sb));
            return ExitCodes.OK;
        } catch (MetricsException | WeightLoadException | IllegalArgumentException e) {
            return fail(ctx, e.getMessage());
        } catch (java.io.IOException e) {
            return fail(ctx, e.getMessage());
        }
    }

    static String count(ActivationStatistics s) {
        return s.count() < 0 ? "unknown" : Long.toString(s.count());
    }

    private static int fail(CliContext ctx, String message) {
        ctx.err().println("coverlab fid: " + message);
        return ExitCodes.BAD_INPUT;
    }
}
