package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures the training data stream: examples per second through decode, resize, caption and prefetch for one epoch.
 * Usage: {@code PipelineBenchmark DATASET_DIR [WIDTH HEIGHT [THREADS]]} (THREADS 0 = default).
 */
public final class PipelineBenchmark {

    private PipelineBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: PipelineBenchmark DATASET_DIR [WIDTH HEIGHT [THREADS]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        int w = args.length > 2 ? Integer.parseInt(args[1]) : 64;
        int h = args.length > 2 ? Integer.parseInt(args[2]) : 96;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        DatasetSpec d = DatasetSpec.DEFAULT;
        DatasetSpec spec = new DatasetSpec(DatasetSpec.Source.GOODREADS, dir.toString(), d.csv(), d.imagePattern(), 0,
                d.subset(), new Resolution(w, h), d.resize(), true, d.validationSplit(), d.cleaning(), d.englishRatio(), d.captions());
        long t0 = System.nanoTime();
        BookDataset ds = BookDataset.open(spec, Path.of("."), 42, new SkipLog());
        double load = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        int n = 0;
        double checksum = 0;
        try (DataPipeline p = ds.pipeline(threads, 0); DataPipeline.Epoch e = p.epoch(Cursor.START)) {
            while (e.hasNext()) {
                TrainingExample x = e.next();
                checksum += x.pixels()[0];
                n++;
            }
        }
        double secs = (System.nanoTime() - t1) / 1e9;
        System.out.printf(Locale.ROOT, "opened %d rows in %.2f s; one epoch of %d examples at %dx%d in %.2f s = %.0f examples/s (%d cores, checksum %.3f)%n",
                ds.cleaned().size(), load, n, w, h, secs, n / secs, Runtime.getRuntime().availableProcessors(), checksum);
    }
}
