package org.coverlab.data;

import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset as a spec describes it: the CSV read and cleaned, rows without an image file dropped, split into training
 * and validation by seed, the training list cut to {@code dataset.images}. Images are decoded lazily by the
 * {@link DataPipeline}; those that turn out unreadable are skipped there and counted in the same {@link SkipLog}.
 */
public final class BookDataset {

    private static final Logger LOG = LoggerFactory.getLogger(BookDataset.class);

    /** Covers generated on first use of a synthetic source when dataset.images does not say how many. */
    public static final int DEFAULT_SYNTHETIC_COUNT = 10_000;
    /** Synthetic sets generated on first use always use this generator seed, so every experiment sees the same set. */
    public static final long SYNTHETIC_SEED = 0;
    /** Where the generator writes cover i. */
    static final String SYNTHETIC_PATTERN = "images/images/{i}.jpg";

    private final DatasetSpec spec;
    private final long seed;
    private final BookTable table;
    private final List<BookRecord> cleaned;
    private final DataSplit split;
    private final List<BookRecord> train;
    private final ImageLocator images;
    private final SkipLog log;

    private BookDataset(DatasetSpec spec, long seed, BookTable table, List<BookRecord> cleaned, DataSplit split,
                        List<BookRecord> train, ImageLocator images, SkipLog log) {
        this.spec = spec;
        this.seed = seed;
        this.table = table;
        this.cleaned = cleaned;
        this.split = split;
        this.train = train;
        this.images = images;
        this.log = log;
    }

    /**
     * Opens the dataset of a spec.
     *
     * @param baseDir folder that relative {@code dataset.path} values resolve against (the spec file's folder)
     * @param seed    the experiment seed (split, subset, shuffle, captions, flips)
     */
    public static BookDataset open(DatasetSpec spec, Path baseDir, long seed, SkipLog log) {
        return open(spec, baseDir, seed, log, () -> { });
    }

    /**
     * As {@link #open(DatasetSpec, Path, long, SkipLog)}; {@code checkCancelled} (which may throw, e.g. a run's stop)
     * runs while a synthetic set is generated on first use, so a stop does not wait for 10,000 covers.
     */
    public static BookDataset open(DatasetSpec spec, Path baseDir, long seed, SkipLog log, Runnable checkCancelled) {
        new CaptionBuilder(spec.captions(), seed); // fail on a bad template before any slow work
        Path root = baseDir.resolve(spec.path()).normalize();
        Path csv = root.resolve(spec.csv());
        ImageLocator images = new ImageLocator(root, spec.imagePattern());
        if (spec.source() == DatasetSpec.Source.SYNTHETIC && !Files.exists(csv)) {
            generateOnFirstUse(root, spec, checkCancelled);
        } else {
            checkFolders(spec, root);
        }
        BookTable table = BookTableReader.read(csv, log);
        CleaningPolicy policy = CleaningPolicy.of(spec.cleaning(), spec.englishRatio());
        String name = csv.getFileName().toString();
        List<BookRecord> cleaned = new ArrayList<>(table.rows().size());
        for (BookRecord r : table.rows()) {
            CleaningPolicy.Rejection no = policy.check(r);
            if (no != null) {
                log.report(no.reason(), name + ":" + r.line(), no.detail());
            } else if (!Files.isRegularFile(images.path(r))) {
                log.report(SkipReason.IMAGE_MISSING, images.relative(r), "row at " + name + ":" + r.line());
            } else {
                cleaned.add(r);
            }
        }
        if (cleaned.isEmpty()) {
            throw new DataException(csv + ": no usable rows after cleaning (" + table.rowsRead() + " read; "
                    + log.summary() + ")");
        }
        DataSplit split = DataSplit.split(cleaned, spec.validationSplit(), seed);
        List<BookRecord> train = DataSplit.subset(split.train(), spec.images(), spec.subset(), seed);
        if (spec.images() > split.train().size()) {
            LOG.warn("dataset.images is {} but only {} training rows remain after cleaning and the validation split; using all",
                    spec.images(), split.train().size());
        }
        // describe() is left to the caller: the prepare_data stage puts it in the run log, so logging it here too
        // printed every dataset summary twice on the console.
        return new BookDataset(spec, seed, table, List.copyOf(cleaned), split, train, images, log);
    }

    /**
     * The checks {@link #open} makes before reading anything, from the first lines of the CSV only: the dataset
     * folder, the CSV (encoding, separator, header, at least one row), the images folder and the caption templates.
     * A synthetic set that does not exist yet passes (it is generated on first use). Throws {@link DataException}
     * naming the file and the problem; the prepare_data stage runs it before a run is created.
     */
    public static void checkFiles(DatasetSpec spec, Path baseDir) {
        new CaptionBuilder(spec.captions(), 0);
        Path root = baseDir.resolve(spec.path()).normalize();
        Path csv = root.resolve(spec.csv());
        if (spec.source() == DatasetSpec.Source.SYNTHETIC && !Files.exists(csv)) {
            generatorOptions(spec, syntheticCount(spec));
            return;
        }
        checkFolders(spec, root);
        BookTableReader.check(csv);
    }

    /** How a synthetic set for {@code spec} is generated; refuses what the generator cannot write. */
    private static GeneratorOptions generatorOptions(DatasetSpec spec, int count) {
        if (!spec.imagePattern().equals(SYNTHETIC_PATTERN)) {
            throw new DataException("dataset.image_pattern: synthetic covers are written as " + SYNTHETIC_PATTERN
                    + ", not " + spec.imagePattern() + "; use the default pattern with source: synthetic");
        }
        if (!spec.csv().equals(SyntheticCoverSet.CSV)) {
            throw new DataException("dataset.csv: synthetic covers are listed in " + SyntheticCoverSet.CSV + ", not "
                    + spec.csv() + "; use the default csv with source: synthetic");
        }
        try {
            return new GeneratorOptions(count, SYNTHETIC_SEED, spec.resolution().width(), spec.resolution().height(), 0);
        } catch (IllegalArgumentException e) {
            throw new DataException("dataset.resolution: cannot generate synthetic covers: " + e.getMessage());
        }
    }

    /** The dataset folder and the folder the image pattern points into must exist (not "47 image files missing"). */
    private static void checkFolders(DatasetSpec spec, Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataException("dataset.path: folder " + root + " does not exist"
                    + (spec.source() == DatasetSpec.Source.GOODREADS
                    ? "; download the Kaggle goodreads-best-books set there (book_data.csv and images/images/)" : ""));
        }
        String pattern = spec.imagePattern();
        int slash = pattern.lastIndexOf('/', Math.max(0, pattern.indexOf("{i}")));
        if (slash > 0) {
            Path folder = root.resolve(pattern.substring(0, slash)).normalize();
            if (!Files.isDirectory(folder)) {
                throw new DataException("dataset.image_pattern: the images folder " + folder + " is missing (the pattern "
                        + pattern + " puts every cover there)"
                        + (spec.source() == DatasetSpec.Source.GOODREADS ? "; the Kaggle set unpacks its covers into images/images/" : ""));
            }
        }
    }

    /**
     * Generates the synthetic set into a private sibling folder and moves it into place, so a run that is interrupted,
     * or two runs starting together, never leave a half-written set that later runs would take as complete.
     */
    private static void generateOnFirstUse(Path root, DatasetSpec spec, Runnable checkCancelled) {
        int count = syntheticCount(spec);
        GeneratorOptions options = generatorOptions(spec, count);
        LOG.info("generating {} synthetic covers at {}x{} into {} (first use)", count,
                spec.resolution().width(), spec.resolution().height(), root);
        Path tmp = root.resolveSibling(root.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            if (Files.exists(root)) {
                SyntheticCoverSet.write(root, options, checkCancelled); // a folder without the CSV: fill it in place
                return;
            }
            SyntheticCoverSet.write(tmp, options, checkCancelled);
            try {
                Files.move(tmp, root, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                LOG.info("{} was generated by another run meanwhile; using it", root);
                AtomicFiles.deleteTree(tmp);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new DataException("dataset.path: cannot generate synthetic covers into " + root + ": " + e.getMessage(), e);
        }
    }

    /** Enough covers that dataset.images remain for training after the validation split. */
    static int syntheticCount(DatasetSpec spec) {
        if (spec.images() <= 0) {
            return DEFAULT_SYNTHETIC_COUNT;
        }
        return (int) Math.ceil(spec.images() / Math.max(1e-9, 1.0 - spec.validationSplit())) + 1;
    }

    public CsvLayout layout() {
        return table.layout();
    }

    /** Rows that passed cleaning and have an image file, in rank order. */
    public List<BookRecord> cleaned() {
        return cleaned;
    }

    /** The training examples (after the dataset.images subset), in rank order. */
    public List<BookRecord> train() {
        return train;
    }

    /** The held-out rows: FID reference statistics come from these. */
    public List<BookRecord> validation() {
        return split.validation();
    }

    /**
     * The validation images as decoded RGB (for FID/KID reference statistics, which resize them their own way), lazily,
     * in rank order; unusable ones are skipped and reported to the log like training images.
     */
    public Iterable<java.awt.image.BufferedImage> validationImages() {
        CoverDecoder decoder = new CoverDecoder();
        return () -> split.validation().stream().map(r -> {
            DecodedImage d = decoder.decode(images.path(r));
            if (d instanceof DecodedImage.Ok ok) {
                if (ok.conversion() != null) {
                    log.report(ok.conversion(), images.relative(r), ok.detail());
                }
                return ok.rgb();
            }
            DecodedImage.Failed f = (DecodedImage.Failed) d;
            log.report(f.reason(), images.relative(r), f.detail());
            return null;
        }).filter(java.util.Objects::nonNull).iterator();
    }

    public ImageLocator images() {
        return images;
    }

    public SkipLog log() {
        return log;
    }

    public CaptionBuilder captions() {
        return new CaptionBuilder(spec.captions(), seed);
    }

    public ImagePreprocessor preprocessor() {
        return new ImagePreprocessor(spec.resolution(), spec.resize());
    }

    /** Loader for training examples (flips as the spec says). */
    public ExampleLoader loader() {
        CoverDecoder decoder = new CoverDecoder(spec.resolution().width(), spec.resolution().height());
        return new ExampleLoader(images, decoder, preprocessor(), captions(), spec.flip(), seed, log);
    }

    /** The shuffled, prefetching training stream; threads/depth 0 pick defaults. */
    public DataPipeline pipeline(int threads, int depth) {
        return pipeline(threads, depth, () -> { });
    }

    /** As {@link #pipeline(int, int)}; {@code checkCancelled} runs while waiting for decoded examples. */
    public DataPipeline pipeline(int threads, int depth, Runnable checkCancelled) {
        return new DataPipeline(train, loader(), seed, threads, depth, checkCancelled);
    }

    public String describe() {
        return String.format("dataset %s (%s): %d rows read, %d usable, %d training (%s), %d validation; %s",
                table.file(), table.layout().name().toLowerCase(), table.rowsRead(), cleaned.size(), train.size(),
                spec.images() > 0 ? spec.subset().key() + " " + spec.images() : "all", split.validation().size(), log.summary());
    }
}
