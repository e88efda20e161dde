package org.coverlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.Resolution;
import org.coverlab.util.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared synthetic folder holds the covers each spec uses (issue #10: a folder generated at the first spec's size
 * used to serve a later spec that needs more with a warning, silently training on fewer images): a harness-generated
 * set that is too small is extended in place, byte-identical to a fresh generation of the larger size, and a spec
 * reads exactly its own first N covers however large the folder has grown, so runs already using it see the same
 * examples before and after.
 */
class SyntheticGrowthTest {

    private static final Resolution SMALL = new Resolution(16, 24);

    @TempDir
    Path dir;

    /** A synthetic spec on dir/covers with {@code images} training images (0.1 held out), just enough covers. */
    private static DatasetSpec spec(int images) {
        DatasetSpec d = DatasetSpecs.with(DatasetSpec.DEFAULT, images, DatasetSpec.Subset.FIRST, 0.1,
                DatasetSpec.Cleaning.ORIGINAL, false);
        d = DatasetSpecs.resolution(d, SMALL, DatasetSpec.Resize.SQUARE);
        return new DatasetSpec(DatasetSpec.Source.SYNTHETIC, "covers", d.csv(), d.imagePattern(), d.images(), 0,
                d.subset(), d.resolution(), d.resize(), d.flip(), d.validationSplit(), d.cleaning(), d.englishRatio(),
                d.captions());
    }

    private static Map<String, String> hashes(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Sha256.ofFile(p));
            }
        }
        return out;
    }

    private static List<String> imageHashes(BookDataset ds, List<BookRecord> rows) throws IOException {
        List<String> out = new ArrayList<>();
        for (BookRecord r : rows) {
            out.add(r.rank() + ":" + Sha256.ofFile(ds.images().path(r)));
        }
        return out;
    }

    @Test
    void anExtendedSetIsByteIdenticalToAFreshOneOfThatSize() throws IOException {
        GeneratorOptions small = new GeneratorOptions(12, 0, 16, 24, 2);
        GeneratorOptions large = new GeneratorOptions(30, 0, 16, 24, 1);
        SyntheticCoverSet.write(dir.resolve("grown"), small);
        SyntheticCoverSet.extend(dir.resolve("grown"), 12, large, () -> { });
        SyntheticCoverSet.write(dir.resolve("fresh"), large);
        assertEquals(hashes(dir.resolve("fresh")), hashes(dir.resolve("grown")));
    }

    @Test
    void aSpecNeedingMoreCoversExtendsTheFolderAndAnEarlierSpecStillReadsTheSameExamples() throws IOException {
        SkipLog quiet = new SkipLog();
        BookDataset first = BookDataset.open(spec(8), dir, 42, quiet);
        assertEquals(BookDataset.syntheticCount(spec(8)), SyntheticCoverSet.manifest(dir.resolve("covers")).count());
        String firstCsv = first.csvSha256();
        assertEquals(Sha256.ofFile(dir.resolve("covers").resolve("book_data.csv")), firstCsv, "the whole file, so far");
        List<String> firstTrain = imageHashes(first, first.train());
        List<String> firstValidation = imageHashes(first, first.validation());

        List<String> said = new ArrayList<>();
        BookDataset.Synthetic grown = BookDataset.ensureSynthetic(spec(30), dir, () -> { }, said::add);
        assertEquals(BookDataset.Synthetic.Kind.EXTENDED, grown.kind());
        assertEquals(BookDataset.syntheticCount(spec(8)), grown.before());
        assertEquals(BookDataset.syntheticCount(spec(30)), grown.covers());
        assertTrue(said.get(0).contains("extending the synthetic cover set"), said.toString());
        BookDataset second = BookDataset.open(spec(30), dir, 42, new SkipLog());
        assertEquals(30, second.train().size(), "the spec trains on the images it asks for, not on the first spec's");

        BookDataset again = BookDataset.open(spec(8), dir, 42, new SkipLog());
        assertEquals(firstTrain, imageHashes(again, again.train()), "same training covers, same bytes");
        assertEquals(firstValidation, imageHashes(again, again.validation()), "same validation split");
        assertEquals(BookDataset.syntheticCount(spec(8)), again.cleaned().size());
        assertEquals(firstCsv, again.csvSha256(), "the rows it reads, whatever the folder grew to");

        GeneratorOptions fresh = new GeneratorOptions(grown.covers(), BookDataset.SYNTHETIC_SEED, 16, 24, 1);
        SyntheticCoverSet.write(dir.resolve("fresh"), fresh);
        assertEquals(hashes(dir.resolve("fresh")), hashes(dir.resolve("covers")));
    }

    @Test
    void anExtensionStoppedHalfwayLeavesTheOldSetIntactAndTheNextOneFinishesIt() throws IOException {
        BookDataset.open(spec(8), dir, 42, new SkipLog());
        Path root = dir.resolve("covers");
        Map<String, String> before = hashes(root);
        AtomicInteger polls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> BookDataset.ensureSynthetic(spec(60), dir, () -> {
            if (polls.incrementAndGet() > 1) {
                throw new IllegalStateException("stopped");
            }
        }, line -> { }));
        Map<String, String> after = hashes(root);
        after.keySet().retainAll(before.keySet());
        assertEquals(before, after, "the CSV, the manifest and every listed cover are untouched");
        assertEquals(BookDataset.syntheticCount(spec(8)), BookDataset.open(spec(8), dir, 42, new SkipLog()).cleaned().size());

        BookDataset.ensureSynthetic(spec(60), dir, () -> { }, line -> { });
        SyntheticCoverSet.write(dir.resolve("fresh"),
                new GeneratorOptions(BookDataset.syntheticCount(spec(60)), BookDataset.SYNTHETIC_SEED, 16, 24, 1));
        assertEquals(hashes(dir.resolve("fresh")), hashes(root));
    }

    @Test
    void specsAskingTogetherGrowTheFolderOnceToTheLargestSize() throws Exception {
        List<DatasetSpec> specs = List.of(spec(40), spec(8), spec(20), spec(40));
        ExecutorService pool = Executors.newFixedThreadPool(specs.size());
        try {
            List<Future<BookDataset>> opened = new ArrayList<>();
            for (DatasetSpec s : specs) {
                opened.add(pool.submit(() -> BookDataset.open(s, dir, 42, new SkipLog())));
            }
            for (int i = 0; i < specs.size(); i++) {
                BookDataset ds = opened.get(i).get();
                assertEquals(specs.get(i).images(), ds.train().size());
                for (BookRecord r : ds.train()) {
                    assertTrue(Files.size(ds.images().path(r)) > 0);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(BookDataset.syntheticCount(spec(40)), SyntheticCoverSet.manifest(dir.resolve("covers")).count());
        try (Stream<Path> siblings = Files.list(dir)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains(".partial-")).toList());
        }
    }

    @Test
    void aUserFolderWithTooFewImagesIsUsedAsItIsWithAWarningNotExtended() throws IOException {
        // a folder with a CSV and no generator.json is not the harness's to change
        SyntheticCoverSet.write(dir.resolve("covers"), new GeneratorOptions(6, 3, 16, 24, 1));
        Files.delete(dir.resolve("covers").resolve("generator.json"));
        Map<String, String> before = hashes(dir.resolve("covers"));
        BookDataset ds = BookDataset.open(spec(30), dir, 42, new SkipLog());
        assertEquals(BookDataset.Synthetic.Kind.USER_FOLDER,
                BookDataset.ensureSynthetic(spec(30), dir, () -> { }, line -> { }).kind());
        assertEquals(6, ds.cleaned().size());
        assertEquals(before, hashes(dir.resolve("covers")));
        assertFalse(Files.exists(dir.resolve("covers").resolve("generator.json")));
    }

    @Test
    void theCoversASpecUsesAreItsOwnSizeOrSyntheticCoversWhicheverIsLarger() {
        assertEquals(10, BookDataset.syntheticCount(spec(8)), "ceil(8 / 0.9) + 1");
        DatasetSpec d = spec(8);
        DatasetSpec shared = new DatasetSpec(d.source(), d.path(), d.csv(), d.imagePattern(), 8, 10_000, d.subset(),
                d.resolution(), d.resize(), d.flip(), d.validationSplit(), d.cleaning(), d.englishRatio(), d.captions());
        assertEquals(10_000, BookDataset.syntheticCount(shared));
        DatasetSpec all = new DatasetSpec(d.source(), d.path(), d.csv(), d.imagePattern(), 0, 0, d.subset(),
                d.resolution(), d.resize(), d.flip(), d.validationSplit(), d.cleaning(), d.englishRatio(), d.captions());
        assertEquals(BookDataset.DEFAULT_SYNTHETIC_COUNT, BookDataset.syntheticCount(all));
        assertArrayEquals(new int[] {9_001}, new int[] {BookDataset.syntheticCount(new DatasetSpec(d.source(), d.path(),
                d.csv(), d.imagePattern(), 8_100, 5_000, d.subset(), d.resolution(), d.resize(), d.flip(),
                d.validationSplit(), d.cleaning(), d.englishRatio(), d.captions()))}, "ceil(8100 / 0.9) + 1 > 5000");
    }
}
