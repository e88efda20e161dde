package org.coverlab.data.synth;

import org.coverlab.data.BookRecord;
import org.coverlab.data.BookTableReader;
import org.coverlab.data.Seeds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
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
    /** The generator's name in generator.json. */
    static final String GENERATOR = "synthetic";

    private SyntheticCoverSet() {
    }

    public static void write(Path root, GeneratorOptions options) {
        write(root, options, () -> { });
    }

    /** As {@link #write(Path, GeneratorOptions)}; {@code checkCancelled} may throw to stop between covers. */
    public static void write(Path root, GeneratorOptions options, Runnable checkCancelled) {
        extend(root, 0, options, checkCancelled);
    }

    /**
     * Grows a set that holds covers {@code 0..from-1} of {@code options} (its seed and size) to {@code options.count()}
     * covers, in place: the new covers are written (and fsync'd) under names the CSV does not list yet, then the CSV
     * and the manifest are replaced atomically. As every cover is a pure function of (seed, index, size), the result is
     * byte-identical to a fresh {@link #write} of {@code options}, and a process reading the set meanwhile sees the
     * old or the new CSV, each listing only complete covers, none of which is rewritten.
     */
    public static void extend(Path root, int from, GeneratorOptions options, Runnable checkCancelled) {
        ParallelWriter.write(root, CSV, BookTableReader.KAGGLE_COLUMNS, options, from, i -> row(i, facts(i, options)),
                i -> render(i, options), checkCancelled);
        ParallelWriter.manifest(root, GENERATOR, options);
    }

    /** The CSV bytes a set of {@code options} has (rows from the books' facts; no cover is painted). */
    public static byte[] csv(GeneratorOptions options) {
        List<List<String>> rows = new java.util.ArrayList<>(options.count());
        for (int i = 0; i < options.count(); i++) {
            rows.add(row(i, facts(i, options)));
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            ParallelWriter.writeCsv(out, BookTableReader.KAGGLE_COLUMNS, rows);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory
        }
        return out.toByteArray();
    }

    /** What generator.json says of a set this generator wrote, or null when the folder has none (or another's). */
    public static GeneratorOptions manifest(Path root) {
        Path file = root.resolve(ParallelWriter.MANIFEST);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode m = new ObjectMapper().readTree(file.toFile());
            if (!GENERATOR.equals(m.path("generator").asText())) {
                return null;
            }
            return new GeneratorOptions(m.path("count").asInt(), m.path("seed").asLong(), m.path("width").asInt(),
                    m.path("height").asInt(), 0);
        } catch (IOException | IllegalArgumentException e) {
            return null; // unreadable: not a set this generator finished
        }
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

    /**
     * Book i's catalogue record as the loader reads it back from {@code book_data.csv}, without painting its cover (for
     * caption corpora). Its rank is i; its line is 0, as it was read from no file.
     */
    public static BookRecord record(int i, GeneratorOptions o) {
        BookFacts b = facts(i, o);
        // the same cleaning the loader applies to the row (descriptions hold line breaks)
        return new BookRecord(i, i, 0, BookTableReader.clean(b.title()),
                BookTableReader.splitList(String.join("|", b.authors())), BookTableReader.clean(b.description()),
                BookTableReader.splitList(String.join("|", b.genres())), b.format(),
                b.edition(), b.isbn(), pages(b), rating(b), Integer.toString(b.ratingCount()),
                Integer.toString(b.reviewCount()), imageUrl(i), null);
    }

    private static ParallelWriter.Item render(int i, GeneratorOptions o) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(o.seed(), Seeds.Purpose.COVER, i));
        BookFacts b = BookFactsGenerator.generate(rng);
        BufferedImage img = CoverPainter.paint(b, o.width(), o.height(), rng);
        return new ParallelWriter.Item(JpegFiles.encode(img), row(i, b));
    }

    /** Book i's CSV row. */
    private static List<String> row(int i, BookFacts b) {
        return List.of(
                String.join("|", b.authors()), b.description(), b.edition(), b.format(), b.isbn(),
                pages(b), rating(b), Integer.toString(b.ratingCount()), Integer.toString(b.reviewCount()), b.title(),
                String.join("|", b.genres()), imageUrl(i));
    }

    private static String pages(BookFacts b) {
        return b.pages() + " pages";
    }

    private static String rating(BookFacts b) {
        return String.format(Locale.ROOT, "%.2f", b.rating());
    }

    private static String imageUrl(int i) {
        return "https://covers.example.invalid/synthetic/" + i + ".jpg";
    }
}
