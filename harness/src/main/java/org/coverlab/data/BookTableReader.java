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
        checkEncoding(csv);
        try (BufferedReader reader = open(csv)) {
            return read(csv, new CsvParser(reader), log);
        } catch (NoSuchFileException e) {
            throw new DataException(csv + ": CSV file not found");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException(csv + ": cannot read CSV (" + e.getMessage() + ")");
        }
    }

    /**
     * Checks, from the first bytes and lines only, that {@code csv} is a usable table: UTF-8 (not UTF-16), comma
     * separated, a header naming the columns {@link #read} needs, and at least one data row. Throws
     * {@link DataException} naming the file and the problem; used before a run is created.
     */
    public static void check(Path csv) {
        checkEncoding(csv);
        try (BufferedReader reader = open(csv)) {
            CsvParser parser = new CsvParser(reader);
            CsvRecord header = header(csv, parser).record();
            if (!parser.hasNext()) {
                throw new DataException(csv + ": has a header (line " + header.line() + ") but no data rows");
            }
        } catch (NoSuchFileException e) {
            throw new DataException(csv + ": CSV file not found");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException(csv + ": cannot read CSV (" + e.getMessage() + ")");
        }
    }

    private static BufferedReader open(Path csv) throws IOException {
        // Malformed UTF-8 becomes U+FFFD instead of aborting the whole file.
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(csv), decoder), 1 << 16);
    }

    /** UTF-16 (a spreadsheet's "Unicode text" export) reads as NUL-riddled garbage as UTF-8: name the encoding. */
    private static void checkEncoding(Path csv) {
        byte[] head = new byte[4096];
        int n;
        try (var in = Files.newInputStream(csv)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new DataException(csv + ": CSV file not found");
        } catch (IOException e) {
            throw new DataException(csv + ": cannot read CSV (" + e.getMessage() + ")");
        }
        boolean bom16 = n >= 2 && ((head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe
                || (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff);
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            zeros += head[i] == 0 ? 1 : 0;
        }
        if (bom16 || (n > 0 && zeros * 4 >= n)) {
            throw new DataException(csv + ": the file is UTF-16 encoded" + (bom16 ? " (it starts with a UTF-16 byte order mark)"
                    : " (every other byte is zero)") + "; coverlab reads UTF-8 CSV: save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)");
        }
    }

    /** The header row and what it says: layout, column positions, whether the first column is an index. */
    private record Header(CsvRecord record, CsvLayout layout, Map<String, Integer> columns, boolean indexFirst) {}

    private static Header header(Path csv, CsvParser parser) {
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
        } else if (header.size() == 1 && (header.get(0).contains(";") || header.get(0).contains("\t"))) {
            String separator = header.get(0).contains(";") ? "semicolon" : "tab";
            throw new DataException(csv + ":" + header.line() + ": the header is one field, '" + abbreviate(header.get(0))
                    + "': the file looks " + separator + "-separated; coverlab reads comma-separated CSV (save it with"
                    + " commas as the separator)");
        } else {
            throw new DataException(csv + ":" + header.line() + ": header " + header.fields()
                    + " has neither book_title nor caption; expected the Kaggle columns " + String.join(",", KAGGLE_COLUMNS)
                    + " (optionally after an unnamed index column) or index,caption");
        }
        if (layout != CsvLayout.CAPTIONS && !col.containsKey("book_authors")) {
            throw new DataException(csv + ":" + header.line() + ": header has book_title but no book_authors column");
        }
        return new Header(header, layout, col, indexFirst);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    static BookTable read(Path csv, CsvParser parser, SkipLog log) {
        Header h = header(csv, parser);
        CsvRecord header = h.record();
        Map<String, Integer> col = h.columns();
        CsvLayout layout = h.layout();
        boolean indexFirst = h.indexFirst();
        int indexCol = indexFirst ? 0 : -1;
        String name = csv.getFileName().toString();
        List<BookRecord> rows = new ArrayList<>();
        int malformed = 0;
        int rank = 0;
        while (parser.hasNext()) {
            CsvRecord r = parser.next();
            int position = rank++;
            String where = name + ":" + r.line();
            if (r.size() != header.size()) {
                log.report(SkipReason.MALFORMED_ROW, where, "expected " + header.size() + " fields, found " + r.size()
                        + (r.wellFormed() ? "" : "; " + r.problem()));
                malformed++;
                continue;
            }
            int imageIndex = position;
            if (indexCol >= 0) {
                try {
                    imageIndex = parseIndex(r.get(indexCol));
                } catch (NumberFormatException e) {
                    log.report(SkipReason.MALFORMED_ROW, where, "index column is '" + r.get(indexCol) + "', expected a non-negative integer");
                    malformed++;
                    continue;
                }
            }
            rows.add(layout == CsvLayout.CAPTIONS
                    ? BookRecord.captioned(imageIndex, position, r.line(), field(r, col, "caption"))
                    : book(r, col, imageIndex, position));
        }
        if (rank == 0) {
            throw new DataException(csv + ": has a header (line " + header.line() + ") but no data rows");
        }
        return new BookTable(csv, layout, rows, malformed);
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
