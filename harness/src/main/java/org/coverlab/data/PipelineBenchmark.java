package org.coverlab.data;

import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Measures the training data stream: examples per second through decode, resize, caption and prefetch for one epoch.
 * Run it with {@code coverlab bench data DATASET_DIR [--width W --height H] [--threads N]}
 * ({@link org.coverlab.cli.BenchDataCommand}); {@link #main} is the same with positional arguments.
 */
public final class PipelineBenchmark {

    /** What one epoch measured. */
    public record Result(int rows, double openSeconds, int examples, Resolution size, double epochSeconds,
                         double checksum, String skipSummary, java.util.List<String> skipMessages) {
        public double examplesPerSecond() {
            return examples / epochSeconds;
        }

        public String line() {
            return String.format(Locale.ROOT, "opened %d rows in %.2f s; one epoch of %d examples at %dx%d in %.2f s"
                            + " = %.0f examples/s (%d cores, checksum %.3f)", rows, openSeconds, examples, size.width(),
                    size.height(), epochSeconds, examplesPerSecond(), Runtime.getRuntime().availableProcessors(), checksum);
        }

        /** What the loader and decoder left out and why: the first few of each reason, then the counts. */
        public java.util.List<String> skipLines() {
            java.util.List<String> lines = new java.util.ArrayList<>();
            skipMessages.forEach(m -> lines.add("skipped: " + m));
            lines.add("skips: " + skipSummary);
            return lines;
        }
    }

    private PipelineBenchmark() {
    }

    /** {@code PipelineBenchmark DATASET_DIR [WIDTH HEIGHT [THREADS]]} (THREADS 0 = default). */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: PipelineBenchmark DATASET_DIR [WIDTH HEIGHT [THREADS]]");
            System.exit(2);
        }
        int w = args.length > 2 ? Integer.parseInt(args[1]) : 64;
        int h = args.length > 2 ? Integer.parseInt(args[2]) : 96;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Result result = measure(Path.of(args[0]).toAbsolutePath(), new Resolution(w, h), threads);
        System.out.println(result.line());
        result.skipLines().forEach(System.out::println);
    }

    /**
     * Opens the Goodreads-layout dataset in {@code dir} (default cleaning and captions) and streams one epoch at
     * {@code size} through the data pipeline with {@code threads} workers (0 = default).
     *
     * @throws DataException if the folder is not a readable dataset
     */
    public static Result measure(Path dir, Resolution size, int threads) {
        DatasetSpec d = DatasetSpec.DEFAULT;
        DatasetSpec spec = new DatasetSpec(DatasetSpec.Source.GOODREADS, dir.toString(), d.csv(), d.imagePattern(), 0, 0,
                d.subset(), size, d.resize(), true, d.validationSplit(), d.cleaning(), d.englishRatio(), d.captions());
        long t0 = System.nanoTime();
        SkipLog skips = new SkipLog();
        BookDataset ds = BookDataset.open(spec, Path.of("."), 42, skips);
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
        return new Result(ds.cleaned().size(), load, n, size, (System.nanoTime() - t1) / 1e9, checksum, skips.summary(),
                skips.firstMessages());
    }
}
