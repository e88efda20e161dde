package org.coverlab.data;

import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.spec.DatasetSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-made Kaggle miniature (see goodreads-mini/README.md for what is wrong with which row). */
class GoodreadsMiniTest {

    static final Path RESOURCES = Path.of("src/test/resources");

    private static List<TrainingExample> oneEpoch(BookDataset ds) {
        List<TrainingExample> out = new ArrayList<>();
        try (DataPipeline p = ds.pipeline(2, 3); DataPipeline.Epoch e = p.epoch(Cursor.START)) {
            e.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void rawKaggleCsvIsCleanedAsTheOriginalAndBadImagesAreSkippedAndCounted() {
        SkipLog log = new SkipLog();
        BookDataset ds = BookDataset.open(DatasetSpecs.goodreads("goodreads-mini", "book_data.csv"), RESOURCES, 42, log);
        assertEquals(CsvLayout.KAGGLE_RAW, ds.layout());
        assertEquals(1, log.count(SkipReason.MALFORMED_ROW), "row 10 has 5 fields");
        assertEquals(2, log.count(SkipReason.MISSING_FIELDS), "row 4 lacks a description, row 5 genres");
        assertEquals(1, log.count(SkipReason.NOT_ENGLISH), "row 3 is Russian");
        assertEquals(1, log.count(SkipReason.IMAGE_MISSING), "6.jpg does not exist");
        assertEquals(List.of(0, 1, 2, 7, 8, 9, 11, 12), ds.cleaned().stream().map(BookRecord::imageIndex).toList());
        // Rows read = usable + dropped: the malformed row 10 counts on both sides.
        assertEquals(ds.cleaned().size() + log.dropped(), 13);
        assertTrue(ds.describe().contains("13 rows read, 8 usable"), ds.describe());
        BookRecord hungerGames = ds.cleaned().get(1);
        assertTrue(hungerGames.description().contains("certain death. \"May the odds, ever, be in your favor.\""));
        assertEquals(List.of("Gabriel García Márquez", "Gregory Rabassa"), ds.cleaned().get(2).authors());

        List<TrainingExample> epoch = oneEpoch(ds);
        assertEquals(List.of(0, 1, 2, 9, 11, 12), epoch.stream().map(e -> e.book().imageIndex()).sorted().toList(),
                "the unreadable 7.jpg and the truncated 8.jpg are skipped, the epoch goes on");
        assertEquals(1, log.count(SkipReason.IMAGE_UNREADABLE));
        assertEquals(1, log.count(SkipReason.IMAGE_TRUNCATED));
        assertEquals(1, log.count(SkipReason.GRAYSCALE_CONVERTED));
        assertEquals(1, log.count(SkipReason.CMYK_CONVERTED));
        assertEquals(1, log.count(SkipReason.PALETTE_OR_ALPHA_CONVERTED));
        assertEquals(7, log.dropped());
        assertEquals(3, log.converted());
        assertTrue(log.firstMessages().stream().anyMatch(m -> m.contains("images/images/8.jpg") && m.contains("truncated")),
                log.firstMessages().toString());
        for (TrainingExample e : epoch) {
            assertEquals(3 * 64 * 96, e.pixels().length);
            assertTrue(!e.caption().contains("|") && !e.caption().contains("  "), e.caption());
        }
        // a second epoch does not count the same bad images again
        oneEpoch(ds);
        assertEquals(7, log.dropped());
    }

    @Test
    void validationImagesForReferenceStatisticsSkipBadFiles() {
        DatasetSpec spec = DatasetSpecs.with(DatasetSpecs.goodreads("goodreads-mini", "book_data.csv"), 0,
                DatasetSpec.Subset.FIRST, 0.99, DatasetSpec.Cleaning.ORIGINAL, false);
        SkipLog log = new SkipLog();
        BookDataset ds = BookDataset.open(spec, RESOURCES, 42, log);
        assertEquals(1, ds.train().size());
        assertEquals(7, ds.validation().size());
        List<java.awt.image.BufferedImage> images = new ArrayList<>();
        ds.validationImages().forEach(images::add);
        int bad = (int) ds.validation().stream().filter(b -> b.imageIndex() == 7 || b.imageIndex() == 8).count();
        assertEquals(7 - bad, images.size());
        images.forEach(i -> assertEquals(java.awt.image.BufferedImage.TYPE_INT_RGB, i.getType()));
    }

    @Test
    void cleaningPresetsAreOptions() {
        SkipLog fields = new SkipLog();
        DatasetSpec base = DatasetSpecs.goodreads("goodreads-mini", "book_data.csv");
        BookDataset f = BookDataset.open(DatasetSpecs.with(base, 0, DatasetSpec.Subset.FIRST, 0, DatasetSpec.Cleaning.FIELDS, false),
                RESOURCES, 1, fields);
        assertTrue(f.cleaned().stream().anyMatch(b -> b.imageIndex() == 3), "fields-only cleaning keeps the Russian row");
        BookDataset none = BookDataset.open(DatasetSpecs.with(base, 0, DatasetSpec.Subset.FIRST, 0, DatasetSpec.Cleaning.NONE, false),
                RESOURCES, 1, new SkipLog());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 12), none.cleaned().stream().map(BookRecord::imageIndex).toList());
    }

    @Test
    void originalsCleanedTrainCsvUsesItsUnnamedIndexColumn() {
        SkipLog log = new SkipLog();
        BookDataset ds = BookDataset.open(DatasetSpecs.goodreads("goodreads-mini", "train.csv"), RESOURCES, 42, log);
        assertEquals(CsvLayout.CLEANED, ds.layout());
        assertEquals(List.of(0, 1, 2, 7, 8, 9, 11), ds.cleaned().stream().map(BookRecord::imageIndex).toList());
        assertEquals(1, log.count(SkipReason.MALFORMED_ROW), "the row whose index is 'x'");
        List<TrainingExample> epoch = oneEpoch(ds);
        assertEquals(5, epoch.size());
        BookDataset test = BookDataset.open(DatasetSpecs.goodreads("goodreads-mini", "test.csv"), RESOURCES, 42, new SkipLog());
        assertEquals("Good Omens", test.cleaned().get(0).title());
        assertEquals(12, test.cleaned().get(0).imageIndex());
    }

    @Test
    void syntheticSetIsReadByTheSameCode(@TempDir Path dir) {
        SyntheticCoverSet.write(dir.resolve("syn"), new GeneratorOptions(24, 5, 64, 96, 2));
        SkipLog log = new SkipLog();
        BookDataset ds = BookDataset.open(DatasetSpecs.goodreads("syn", "book_data.csv"), dir, 42, log);
        assertEquals(CsvLayout.KAGGLE_RAW, ds.layout());
        assertEquals(24, ds.cleaned().size(), log.summary());
        List<TrainingExample> epoch = oneEpoch(ds);
        assertEquals(24, epoch.size());
        assertEquals(0, log.dropped() + log.converted(), log.summary());
    }

    @Test
    void syntheticSourceIsGeneratedOnFirstUse(@TempDir Path dir) {
        DatasetSpec d = DatasetSpec.DEFAULT;
        DatasetSpec spec = new DatasetSpec(DatasetSpec.Source.SYNTHETIC, "gen", d.csv(), d.imagePattern(), 18, 0,
                DatasetSpec.Subset.RANDOM, d.resolution(), d.resize(), true, 0.1, d.cleaning(), d.englishRatio(), d.captions());
        BookDataset ds = BookDataset.open(spec, dir, 3, new SkipLog());
        assertTrue(Files.exists(dir.resolve("gen/generator.json")));
        try (var entries = Files.list(dir)) {
            assertEquals(List.of("gen"), entries.map(p -> p.getFileName().toString()).toList(), "no partial folder left");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(18, ds.train().size());
        assertEquals(2, ds.validation().size());
    }

    @Test
    void unusableInputsFailWithAMessageNamingTheFile(@TempDir Path dir) throws Exception {
        DataException missing = assertThrows(DataException.class,
                () -> BookDataset.open(DatasetSpecs.goodreads("nowhere", "book_data.csv"), dir, 0, new SkipLog()));
        assertTrue(missing.getMessage().contains("nowhere") && missing.getMessage().contains("Kaggle"), missing.getMessage());
        Files.createDirectories(dir.resolve("bad/images/images"));
        Files.writeString(dir.resolve("bad/book_data.csv"), "name,price\nx,1\n");
        DataException header = assertThrows(DataException.class,
                () -> BookDataset.open(DatasetSpecs.goodreads("bad", "book_data.csv"), dir, 0, new SkipLog()));
        assertTrue(header.getMessage().contains("book_data.csv:1") && header.getMessage().contains("book_title"), header.getMessage());
    }
}
