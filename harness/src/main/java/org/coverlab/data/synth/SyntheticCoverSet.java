package org.coverlab.data.synth;

import org.coverlab.data.BookTableReader;
import org.coverlab.data.Seeds;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a synthetic cover set in the Kaggle layout: {@code book_data.csv} with the 12 Kaggle columns and
 * {@code images/images/{i}.jpg}, plus {@code generator.json} recording how it was made. Same options, same bytes.
 */
public final class SyntheticCoverSet {

    public static final String CSV = "book_data.csv";

    private SyntheticCoverSet() {
    }

    public static void write(Path root, GeneratorOptions options) {
        ParallelWriter.write(root, CSV, BookTableReader.KAGGLE_COLUMNS, options, i -> render(i, options));
        ParallelWriter.manifest(root, "synthetic", options);
    }

    /** The facts and cover of book i: a pure function of (seed, i). */
    public static BufferedImage cover(int i, GeneratorOptions o) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(o.seed(), Seeds.Purpose.COVER, i));
        BookFacts book = BookFactsGenerator.generate(rng);
        return CoverPainter.paint(book, o.width(), o.height(), rng);
    }

    public static BookFacts facts(int i, GeneratorOptions o) {
        return BookFactsGenerator.generate(new SplittableRandom(Seeds.derive(o.seed(), Seeds.Purpose.COVER, i)));
    }

    private static ParallelWriter.Item render(int i, GeneratorOptions o) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(o.seed(), Seeds.Purpose.COVER, i));
        BookFacts b = BookFactsGenerator.generate(rng);
        BufferedImage img = CoverPainter.paint(b, o.width(), o.height(), rng);
        List<String> row = List.of(
                String.join("|", b.authors()), b.description(), b.edition(), b.format(), b.isbn(),
                b.pages() + " pages", String.format(Locale.ROOT, "%.2f", b.rating()),
                Integer.toString(b.ratingCount()), Integer.toString(b.reviewCount()), b.title(),
                String.join("|", b.genres()), "https://covers.example.invalid/synthetic/" + i + ".jpg");
        return new ParallelWriter.Item(JpegFiles.encode(img), row);
    }
}
