package org.coverlab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.coverlab.data.BookDataset;
import org.coverlab.data.SkipLog;
import org.coverlab.metrics.ActivationStatistics;
import org.coverlab.metrics.Extractors;
import org.coverlab.metrics.ImageSet;
import org.coverlab.metrics.MetricsException;
import org.coverlab.metrics.StatisticsCache;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.spec.DatasetSpec;

/**
 * What the fid commands accept as an input: a statistics .npz, a dataset folder in the Goodreads layout (its
 * validation split, split as an experiment with the same seed splits it), or a folder of images; folders become
 * statistics through the content-hash cache, with progress lines on stderr.
 */
final class FidStatsSource {

    private FidStatsSource() {
    }

    static boolean isStatsFile(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz");
    }

    /** The images of a dataset folder's validation split, or of a plain image folder. */
    static ImageSet images(Path input, long seed, double validationSplit) {
        if (Files.isRegularFile(input.resolve("book_data.csv"))) {
            DatasetSpec d = DatasetSpec.DEFAULT;
            DatasetSpec spec = new DatasetSpec(DatasetSpec.Source.GOODREADS, input.toString(), d.csv(), d.imagePattern(),
                    0, 0, d.subset(), d.resolution(), d.resize(), false, validationSplit, d.cleaning(), d.englishRatio(), d.captions());
            return ImageSet.validation(BookDataset.open(spec, input, seed, new SkipLog()));
        }
        return ImageSet.folder(input);
    }

    static ActivationStatistics statistics(Path input, FeatureExtractor extractor, int images, int batch, long seed,
                                           double validationSplit, PrintStream err) throws IOException {
        if (isStatsFile(input)) {
            if (!Files.isRegularFile(input)) {
                throw new MetricsException(input + ": no such statistics file");
            }
            return ActivationStatistics.read(input, extractor.dims());
        }
        if (!Files.isDirectory(input)) {
            throw new MetricsException(input + ": neither a statistics (.npz) file nor a folder");
        }
        ImageSet set = images(input, seed, validationSplit);
        if (images > 0) {
            set = set.first(images);
        }
        Path cache = Extractors.statisticsCache();
        Path cached = StatisticsCache.file(cache, set, extractor);
        err.println("coverlab: " + set.description() + ": " + set.size() + " images"
                + (Files.isRegularFile(cached) ? ", statistics cached in " + cached : "; computing statistics into " + cached));
        long t0 = System.nanoTime();
        String what = set.description();
        return StatisticsCache.get(cache, set, extractor, batch, (done, total) -> err.println(String.format(Locale.ROOT,
                "coverlab: features %d/%d images of %s (%.1f images/s)", done, total, what,
                done / Math.max(1e-9, (System.nanoTime() - t0) / 1e9))), () -> { });
    }
}
