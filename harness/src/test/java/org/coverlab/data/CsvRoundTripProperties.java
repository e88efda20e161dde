package org.coverlab.data;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.From;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvRoundTripProperties {

    /** Field text drawn from the characters that break naive CSV code, plus non-ASCII and astral code points. */
    @Provide
    Arbitrary<String> fields() {
        Arbitrary<String> nasty = Arbitraries.of(",", "\"", "\n", "\r\n", "\r", " ", "|", "é", "ü", "Ж", "漢", "😀", "\t", "'");
        Arbitrary<String> words = Arbitraries.strings().alpha().numeric().ofMaxLength(6);
        return Arbitraries.oneOf(nasty, words).list().ofMaxSize(8).map(parts -> String.join("", parts));
    }

    @Property(tries = 300)
    void writtenRecordsParseBackUnchanged(@ForAll @Size(min = 1, max = 12) List<@Size(min = 1, max = 6) List<@From("fields") String>> records) {
        StringWriter out = new StringWriter();
        CsvWriter w = new CsvWriter(out);
        records.forEach(w::write);
        List<CsvRecord> parsed = CsvParser.parseAll(out.toString());
        assertEquals(records.size(), parsed.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(records.get(i), parsed.get(i).fields());
            assertTrue(parsed.get(i).wellFormed());
        }
    }

    @Property(tries = 300)
    void arbitraryTextNeverCrashesTheParser(@ForAll("noise") String text) {
        List<CsvRecord> parsed = CsvParser.parseAll(text);
        for (CsvRecord r : parsed) {
            assertTrue(r.size() >= 1);
        }
    }

    @Provide
    Arbitrary<String> noise() {
        return Arbitraries.oneOf(Arbitraries.of(",", "\"", "\n", "\r", "a", "é", " ", "\"\"", "\uFEFF"),
                Arbitraries.strings().ofMaxLength(3)).list().ofMaxSize(40).map(p -> String.join("", p));
    }

    /**
     * Kaggle-layout rows with random missing fields, quotes, line breaks and Unicode: the loader reads every row with
     * 12 fields, keeps the text exactly (whitespace collapsed), and only the rows with a wrong field count are skipped.
     */
    @Property(tries = 60)
    void kaggleRowsWithMissingFieldsLoadWithoutCrashing(
            @ForAll @Size(min = 1, max = 10) List<@Size(12) List<@From("fields") String>> rows,
            @ForAll @Size(max = 3) List<@Size(min = 0, max = 11) List<@From("fields") String>> shortRows) throws IOException {
        Path dir = Files.createTempDirectory("csvprop");
        try {
            Path csv = dir.resolve("book_data.csv");
            StringWriter out = new StringWriter();
            CsvWriter w = new CsvWriter(out);
            w.write(BookTableReader.KAGGLE_COLUMNS);
            List<List<String>> all = new ArrayList<>(rows);
            // short rows are appended after the good ones so good rows keep their positions
            all.addAll(shortRows.stream().filter(r -> !(r.size() == 1 && r.get(0).isEmpty()) && !r.isEmpty()).toList());
            all.forEach(w::write);
            Files.writeString(csv, out.toString(), StandardCharsets.UTF_8);
            SkipLog log = new SkipLog();
            BookTable table = BookTableReader.read(csv, log);
            assertEquals(rows.size(), table.rows().size());
            assertEquals(all.size() - rows.size(), log.count(SkipReason.MALFORMED_ROW));
            for (int i = 0; i < rows.size(); i++) {
                BookRecord b = table.rows().get(i);
                assertEquals(i, b.imageIndex());
                assertEquals(BookTableReader.clean(rows.get(i).get(9)), b.title());
                assertEquals(BookTableReader.clean(rows.get(i).get(1)), b.description());
                CleaningPolicy.of(org.coverlab.spec.DatasetSpec.Cleaning.ORIGINAL, 0.97).check(b); // never throws
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
