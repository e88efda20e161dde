package org.coverlab.data;

import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.util.FolderBuild;
import org.coverlab.util.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A dataset as a spec describes it: the CSV read and cleaned, rows without an image file dropped, split into training
 * and validation by seed, the training list cut to {@code dataset.images}. Images are decoded lazily by the
 * {@link DataPipeline}; those that turn out unreadable are skipped there and counted in the same {@link SkipLog}.
 */
public final class BookDataset {

    private static final Logger LOG = LoggerFactory.getLogger(BookDataset.class);

    /** Covers a synthetic source uses when neither dataset.images nor dataset.synthetic_covers says how many. */
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
    /** For a generated synthetic set, the covers of it this dataset uses; null otherwise. */
    private final GeneratorOptions syntheticUsed;

    private BookDataset(DatasetSpec spec, long seed, BookTable table, List<BookRecord> cleaned, DataSplit split,
                        List<BookRecord> train, ImageLocator images, SkipLog log, GeneratorOptions syntheticUsed) {
        this.spec = spec;
        this.seed = seed;
        this.table = table;
        this.cleaned = cleaned;
        this.split = split;
        this.train = train;
        this.images = images;
        this.log = log;
        this.syntheticUsed = syntheticUsed;
    }

    /**
     * SHA-256 of the CSV bytes this dataset reads: the whole file, or for a generated synthetic set the header and the
     * rows of the covers it uses, the file's prefix, which a folder grown for other specs keeps (so the hash names the
     * data, not the folder's size).
     */
    public String csvSha256() throws java.io.IOException {
        if (syntheticUsed == null) {
            return Sha256.ofFile(table.file());
        }
        byte[] expected = SyntheticCoverSet.csv(syntheticUsed);
        byte[] prefix;
        try (java.io.InputStream in = Files.newInputStream(table.file())) {
            prefix = in.readNBytes(expected.length);
        }
        if (!java.util.Arrays.equals(expected, prefix)) {
            throw new DataException(table.file() + ": the first " + syntheticUsed.count() + " rows are not the ones "
                    + "the synthetic generator writes (edited by hand?); delete the folder to generate it again");
        }
        return Sha256.ofBytes(prefix);
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
        boolean generated = spec.source() == DatasetSpec.Source.SYNTHETIC
                && ensureSynthetic(spec, baseDir, checkCancelled, LOG::info).kind() != Synthetic.Kind.USER_FOLDER;
        if (!generated) {
            checkFolders(spec, root);
        }
        BookTable table = BookTableReader.read(csv, log);
        GeneratorOptions uses = null;
        if (generated) {
            // the spec's covers, whatever larger size other specs grew the shared folder to
            GeneratorOptions set = SyntheticCoverSet.manifest(root);
            uses = new GeneratorOptions(syntheticCount(spec), set.seed(), set.width(), set.height(), 0);
            table = table.first(uses.count());
        }
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
        return new BookDataset(spec, seed, table, List.copyOf(cleaned), split, train, images, log, uses);
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

    /** What {@link #ensureSynthetic} found or did; {@code before} is the covers the folder held, {@code covers} now. */
    public record Synthetic(Kind kind, int before, int covers) {
        public enum Kind {
            /** the folder held enough covers */
            PRESENT,
            /** it was missing and is generated */
            GENERATED,
            /** a set this generator wrote held fewer covers and is extended in place */
            EXTENDED,
            /** a folder with a CSV but no generator.json: the user's, used as it is */
            USER_FOLDER
        }
    }

    /**
     * Makes sure a synthetic dataset's folder holds the covers {@code spec} uses ({@link #syntheticCount}). A missing
     * folder is generated through {@link FolderBuild}: an OS lock beside it (processes starting together generate it
     * once), a private sibling, fsync, rename, partials of dead processes removed. A set this generator wrote
     * (generator.json) that holds fewer covers is extended in place under the same lock ({@link
     * SyntheticCoverSet#extend}): covers are a pure function of (seed, index, size), so the ones there stay
     * byte-identical, the new ones are written under names the CSV does not list yet, and the CSV and manifest are
     * replaced atomically, so a run reading the folder meanwhile never sees a half-written cover. A folder with a CSV
     * and no generator.json is the user's and is not touched.
     *
     * @param say told what is done: generating, extending, waiting for another process
     */
    public static Synthetic ensureSynthetic(DatasetSpec spec, Path baseDir, Runnable checkCancelled, Consumer<String> say) {
        Path root = baseDir.resolve(spec.path()).normalize();
        int count = syntheticCount(spec);
        int before = generatedCovers(root);
        if (before < 0 && Files.exists(root.resolve(spec.csv()))) {
            return new Synthetic(Synthetic.Kind.USER_FOLDER, 0, 0);
        }
        GeneratorOptions fresh = generatorOptions(spec, count);
        if (before >= count) {
            return new Synthetic(Synthetic.Kind.PRESENT, before, before);
        }
        boolean[] said = new boolean[1];
        Synthetic.Kind[] did = {Synthetic.Kind.PRESENT};
        try {
            FolderBuild.ensure(root, f -> generatedCovers(f) >= count, into -> {
                say.accept("generating the synthetic cover set into " + root + " (first use; seed " + SYNTHETIC_SEED
                        + ", " + fresh.width() + "x" + fresh.height() + ", " + count + " covers)");
                SyntheticCoverSet.write(into, fresh, checkCancelled);
                did[0] = Synthetic.Kind.GENERATED;
            }, folder -> {
                GeneratorOptions have = SyntheticCoverSet.manifest(folder);
                Path csv = folder.resolve(SyntheticCoverSet.CSV);
                // the CSV, not the manifest, says which covers are complete: it is replaced first
                int listed = Files.exists(csv) ? BookTableReader.read(csv, new SkipLog()).rowsRead() : 0;
                int target = Math.max(count, listed);
                GeneratorOptions to = have == null ? fresh
                        : new GeneratorOptions(target, have.seed(), have.width(), have.height(), 0);
                say.accept("extending the synthetic cover set in " + root + " from " + listed + " to " + target
                        + " covers (this spec uses " + count + "; seed " + to.seed() + ", " + to.width() + "x"
                        + to.height() + ")");
                SyntheticCoverSet.extend(folder, listed, to, checkCancelled);
                did[0] = listed == 0 ? Synthetic.Kind.GENERATED : Synthetic.Kind.EXTENDED;
            }, () -> {
                if (!said[0]) {
                    say.accept("another process is generating " + root + "; waiting for it");
                    said[0] = true;
                }
                checkCancelled.run();
            });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new DataException("dataset.path: cannot generate synthetic covers into " + root + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating " + root, e);
        }
        return new Synthetic(did[0], Math.max(before, 0), generatedCovers(root));
    }

    /** Covers of a set this generator wrote into {@code root} (its manifest, once its CSV exists), or -1. */
    private static int generatedCovers(Path root) {
        GeneratorOptions m = SyntheticCoverSet.manifest(root);
        return m != null && Files.isRegularFile(root.resolve(SyntheticCoverSet.CSV)) ? m.count() : -1;
    }

    /**
     * The covers a synthetic spec uses, the first N of the set: dataset.synthetic_covers, raised to enough that
     * dataset.images remain for training after the validation split; {@value #DEFAULT_SYNTHETIC_COUNT} when both are 0.
     */
    public static int syntheticCount(DatasetSpec spec) {
        int needed = spec.images() <= 0 ? 0
                : (int) Math.ceil(spec.images() / Math.max(1e-9, 1.0 - spec.validationSplit())) + 1;
        int n = Math.max(spec.syntheticCovers(), needed);
        return n > 0 ? n : DEFAULT_SYNTHETIC_COUNT;
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
