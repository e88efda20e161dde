package org.coverlab.data;

import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.GenericImageSet;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.spec.DatasetSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeterminismTest {

    @TempDir
    static Path dir;
    static Path covers;

    @BeforeAll
    static void generate() {
        covers = dir.resolve("covers");
        SyntheticCoverSet.write(covers, new GeneratorOptions(40, 11, 64, 96, 2));
    }

    private static List<BookRecord> rows(int n) {
        List<BookRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(CaptionBuilderTest.book(i, "T" + i, List.of("A"), "d", List.of("G")));
        }
        return out;
    }

    private static List<Integer> ids(List<BookRecord> r) {
        return r.stream().map(BookRecord::imageIndex).toList();
    }

    @Test
    void splitDependsOnlyOnSeedAndKeepsRankOrder() {
        List<BookRecord> all = rows(1000);
        DataSplit a = DataSplit.split(all, 0.1, 7);
        DataSplit b = DataSplit.split(all, 0.1, 7);
        DataSplit c = DataSplit.split(all, 0.1, 8);
        assertEquals(ids(a.validation()), ids(b.validation()));
        assertNotEquals(ids(a.validation()), ids(c.validation()));
        assertEquals(100, a.validation().size());
        assertEquals(900, a.train().size());
        var both = new HashSet<>(ids(a.train()));
        both.addAll(ids(a.validation()));
        assertEquals(1000, both.size(), "train and validation partition the rows");
        assertEquals(ids(a.train()).stream().sorted().toList(), ids(a.train()), "rank order kept");
        assertTrue(a.validation().stream().anyMatch(r -> r.rank() < 500), "held-out rows are spread, not a tail");
    }

    @Test
    void subsetFirstIsTheTopRankedAndRandomIsSeeded() {
        List<BookRecord> train = DataSplit.split(rows(500), 0.1, 3).train();
        List<BookRecord> first = DataSplit.subset(train, 50, DatasetSpec.Subset.FIRST, 3);
        assertEquals(ids(train.subList(0, 50)), ids(first));
        List<BookRecord> r1 = DataSplit.subset(train, 50, DatasetSpec.Subset.RANDOM, 3);
        List<BookRecord> r2 = DataSplit.subset(train, 50, DatasetSpec.Subset.RANDOM, 3);
        List<BookRecord> r3 = DataSplit.subset(train, 50, DatasetSpec.Subset.RANDOM, 4);
        assertEquals(ids(r1), ids(r2));
        assertNotEquals(ids(r1), ids(r3));
        assertNotEquals(ids(first), ids(r1));
        assertEquals(450, DataSplit.subset(train, 0, DatasetSpec.Subset.RANDOM, 3).size(), "0 means all");
    }

    @Test
    void epochOrderIsAPermutationFixedBySeedAndEpoch() {
        int[] e0 = EpochOrder.of(300, 5, 0);
        assertArrayEquals(e0, EpochOrder.of(300, 5, 0));
        assertFalse(Arrays.equals(e0, EpochOrder.of(300, 5, 1)));
        assertFalse(Arrays.equals(e0, EpochOrder.of(300, 6, 0)));
        assertArrayEquals(IntStream.range(0, 300).toArray(), Arrays.stream(e0).sorted().toArray());
    }

    private static BookDataset open(long seed, boolean flip) {
        DatasetSpec spec = DatasetSpecs.with(DatasetSpecs.goodreads("covers", "book_data.csv"), 0, DatasetSpec.Subset.FIRST,
                0.1, DatasetSpec.Cleaning.ORIGINAL, flip);
        return BookDataset.open(spec, dir, seed, new SkipLog());
    }

    private static List<TrainingExample> drain(DataPipeline.Epoch e) {
        List<TrainingExample> out = new ArrayList<>();
        e.forEachRemaining(out::add);
        return out;
    }

    private static String key(TrainingExample e) {
        return e.book().imageIndex() + "|" + e.caption() + "|" + e.flipped() + "|" + Arrays.hashCode(e.pixels());
    }

    @Test
    void resumingFromACursorReplaysExactlyTheRestOfTheRun() {
        BookDataset ds = open(9, true);
        List<String> uninterrupted = new ArrayList<>();
        try (DataPipeline p = ds.pipeline(2, 4)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                try (DataPipeline.Epoch e = p.epoch(new Cursor(epoch, 0))) {
                    drain(e).forEach(x -> uninterrupted.add(key(x)));
                }
            }
        }
        // stop after 13 examples (mid-epoch), store the cursor, and resume in a fresh pipeline
        List<String> resumed = new ArrayList<>();
        Cursor saved;
        try (DataPipeline p = ds.pipeline(1, 2); DataPipeline.Epoch e = p.epoch(Cursor.START)) {
            List<TrainingExample> part = e.nextBatch(13);
            part.forEach(x -> resumed.add(key(x)));
            saved = part.get(part.size() - 1).after();
        }
        BookDataset reopened = open(9, true);
        try (DataPipeline p = reopened.pipeline(3, 8)) {
            Cursor c = saved;
            while (c.epoch() < 2) {
                try (DataPipeline.Epoch e = p.epoch(c)) {
                    List<TrainingExample> rest = drain(e);
                    rest.forEach(x -> resumed.add(key(x)));
                    c = new Cursor(e.number() + 1, 0);
                }
            }
        }
        assertEquals(uninterrupted, resumed);
        assertEquals(2 * ds.train().size(), uninterrupted.size());
        assertTrue(uninterrupted.stream().anyMatch(k -> k.contains("|true|")) && uninterrupted.stream().anyMatch(k -> k.contains("|false|")),
                "flip is on and applied to some examples");
    }

    @Test
    void streamDoesNotDependOnThreadCount() {
        BookDataset ds = open(4, false);
        List<String> one;
        List<String> four;
        try (DataPipeline p = ds.pipeline(1, 1); DataPipeline.Epoch e = p.epoch(Cursor.START)) {
            one = drain(e).stream().map(DeterminismTest::key).toList();
        }
        try (DataPipeline p = ds.pipeline(4, 16); DataPipeline.Epoch e = p.epoch(Cursor.START)) {
            four = drain(e).stream().map(DeterminismTest::key).toList();
        }
        assertEquals(one, four);
        assertNotEquals(one.stream().sorted().toList(), one, "examples arrive shuffled");
    }

    private static List<byte[]> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().map(p -> {
                try {
                    return Files.readAllBytes(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void generatorsWriteByteIdenticalFilesForTheSameSeed() throws IOException {
        SyntheticCoverSet.write(dir.resolve("again"), new GeneratorOptions(40, 11, 64, 96, 1));
        List<byte[]> a = files(covers);
        List<byte[]> b = files(dir.resolve("again"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "file " + i);
        }
        SyntheticCoverSet.write(dir.resolve("other"), new GeneratorOptions(40, 12, 64, 96, 2));
        assertFalse(Arrays.equals(Files.readAllBytes(covers.resolve("images/images/3.jpg")),
                Files.readAllBytes(dir.resolve("other/images/images/3.jpg"))));
        GenericImageSet.write(dir.resolve("g1"), new GeneratorOptions(30, 2, 48, 48, 2));
        GenericImageSet.write(dir.resolve("g2"), new GeneratorOptions(30, 2, 48, 48, 1));
        List<byte[]> g1 = files(dir.resolve("g1"));
        List<byte[]> g2 = files(dir.resolve("g2"));
        for (int i = 0; i < g1.size(); i++) {
            assertArrayEquals(g1.get(i), g2.get(i));
        }
    }
}
