package org.coverlab.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Goodreads-layout CSV (raw Kaggle, the original's cleaned train/test, or generic captions) into
 * {@link BookRecord}s. Columns are found by header name, so column order does not matter; rows with the wrong number
 * of fields or a bad index are skipped and reported to the {@link SkipLog}, never thrown. Only a file that cannot be
 * used at all (missing, no header, no title/caption column) raises {@link DataException}.
 */
public final class BookTableReader {

    public static final List<String> KAGGLE_COLUMNS = List.of(
            "book_authors", "book_desc", "book_edition", "book_format", "book_isbn", "book_pages", "book_rating",
            "book_rating_count", "book_review_count", "book_title", "genres", "image_url");

    private BookTableReader() {
    }

    public static BookTable read(Path csv, SkipLog log) {
        // Malformed UTF-8 becomes U+FFFD instead of aborting the whole file.
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(csv), decoder), 1 << 16)) {
            return read(csv, new CsvParser(reader), log);
        } catch (NoSuchFileException e) {
            throw new DataException(csv + ": CSV file not found");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException(csv + ": cannot read CSV (" + e.getMessage() + ")");
        }
    }

    static BookTable read(Path csv, CsvParser parser, SkipLog log) {
        if (!parser.hasNext()) {
            throw new DataException(csv + ": empty file; expected a header row with " + String.join(",", KAGGLE_COLUMNS)
                    + " (or index,caption)");
        }
        CsvRecord header = parser.next();
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            col.putIfAbsent(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        String first = header.get(0).trim().toLowerCase(Locale.ROOT);
        boolean indexFirst = first.isEmpty() || first.equals("unnamed: 0") || first.equals("index");
        CsvLayout layout;
        if (col.containsKey("caption")) {
            layout = CsvLayout.CAPTIONS;
        } else if (col.containsKey("book_title")) {
            layout = indexFirst ? CsvLayout.CLEANED : CsvLayout.KAGGLE_RAW;
        } else {
            throw new DataException(csv + ":" + header.line() + ": header " + header.fields()
                    + " has neither book_title nor caption; expected the Kaggle columns " + String.join(",", KAGGLE_COLUMNS)
                    + " (optionally after an unnamed index column) or index,caption");
        }
        if (layout != CsvLayout.CAPTIONS && !col.containsKey("book_authors")) {
            throw new DataException(csv + ":" + header.line() + ": header has book_title but no book_authors column");
        }
        int indexCol = indexFirst ? 0 : -1;
        String name = csv.getFileName().toString();
        List<BookRecord> rows = new ArrayList<>();
        int rank = 0;
        while (parser.hasNext()) {
            CsvRecord r = parser.next();
            int position = rank++;
            String where = name + ":" + r.line();
            if (r.size() != header.size()) {
                log.report(SkipReason.MALFORMED_ROW, where, "expected " + header.size() + " fields, found " + r.size()
                        + (r.wellFormed() ? "" : "; " + r.problem()));
                continue;
            }
            int imageIndex = position;
            if (indexCol >= 0) {
                try {
                    imageIndex = parseIndex(r.get(indexCol));
                } catch (NumberFormatException e) {
                    log.report(SkipReason.MALFORMED_ROW, where, "index column is '" + r.get(indexCol) + "', expected a non-negative integer");
                    continue;
                }
            }
            rows.add(layout == CsvLayout.CAPTIONS
                    ? BookRecord.captioned(imageIndex, position, r.line(), field(r, col, "caption"))
                    : book(r, col, imageIndex, position));
        }
        return new BookTable(csv, layout, rows);
    }

    /** pandas may write the index as "12" or "12.0". */
    private static int parseIndex(String s) {
        String t = s.trim();
        if (t.endsWith(".0")) {
            t = t.substring(0, t.length() - 2);
        }
        int v = Integer.parseInt(t);
        if (v < 0) {
            throw new NumberFormatException(s);
        }
        return v;
    }

    private static BookRecord book(CsvRecord r, Map<String, Integer> col, int imageIndex, int rank) {
        return new BookRecord(imageIndex, rank, r.line(),
                clean(field(r, col, "book_title")),
                splitList(field(r, col, "book_authors")),
                clean(field(r, col, "book_desc")),
                splitList(field(r, col, "genres")),
                field(r, col, "book_format"), field(r, col, "book_edition"), field(r, col, "book_isbn"),
                field(r, col, "book_pages"), field(r, col, "book_rating"), field(r, col, "book_rating_count"),
                field(r, col, "book_review_count"), field(r, col, "image_url"), null);
    }

    private static String field(CsvRecord r, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        return i == null ? "" : r.get(i).trim();
    }

    /** Collapses whitespace (descriptions contain line breaks and tabs) so captions are single-line. */
    public static String clean(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }

    /** "J.K. Rowling|Mary GrandPré" -> [J.K. Rowling, Mary GrandPré]; empty entries dropped. */
    public static List<String> splitList(String s) {
        return Arrays.stream(s.split("\\|")).map(BookTableReader::clean).filter(x -> !x.isEmpty()).toList();
    }
}
