package org.coverlab.cli;

import static org.coverlab.cli.InProcessCli.coverlab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Goodreads folder that cannot be read is refused when the run is planned (here through {@code --stages
 * prepare_data} of a training spec, as this build has no train stage yet): exit 2, no run folder, a message naming
 * the file and the problem (each of these used to create a run that failed, exit 1, advising --resume). spec check
 * refuses the same.
 */
class DatasetDoorCheckTest {

    static final String HEADER = "book_authors,book_desc,book_edition,book_format,book_isbn,book_pages,book_rating,"
            + "book_rating_count,book_review_count,book_title,genres,image_url";
    static final String ROW = "Cormac McCarthy,A father and his son walk.,,Paperback,1,287,3.9,1,1,The Road,Fiction,u";

    @TempDir
    Path cwd;

    private Path dataset(byte[] csv, boolean images) throws IOException {
        Path root = Files.createDirectories(cwd.resolve("goodreads"));
        Files.write(root.resolve("book_data.csv"), csv);
        if (images) {
            Files.createDirectories(root.resolve("images/images"));
        }
        Files.writeString(cwd.resolve("spec.yaml"), """
                name: door
                dataset:
                  source: goodreads
                  path: goodreads
                train:
                  epochs: 1
                  components: [unet]
                sample:
                  every: never
                eval:
                  metrics: []
                """);
        return root;
    }

    private void assertRefused(String... parts) {
        for (List<String> args : List.of(List.of("run", "spec.yaml", "--stages", "prepare_data"),
                List.of("spec", "check", "spec.yaml", "--stages", "prepare_data"))) {
            InProcessCli.Result r = coverlab(cwd, args.toArray(String[]::new));
            assertEquals(2, r.code(), r.all());
            for (String part : parts) {
                assertTrue(r.err().contains(part), "'" + part + "' missing from\n" + r.all());
            }
            assertTrue(r.err().contains("no run was created"), r.all());
            assertFalse(r.err().contains("--resume") || r.err().contains("\tat "), r.all());
        }
        assertFalse(Files.exists(cwd.resolve("runs")), "no run folder");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEmptyCsvIsRefused() throws IOException {
        dataset(new byte[0], true);
        assertRefused("book_data.csv", "empty file");
    }

    @Test
    void aHeaderOnlyCsvIsRefused() throws IOException {
        dataset(utf8(HEADER + "\n"), true);
        assertRefused("book_data.csv", "no data rows");
    }

    @Test
    void aWrongHeaderIsRefused() throws IOException {
        dataset(utf8("name,price\nx,1\n"), true);
        assertRefused("book_data.csv:1", "neither book_title nor caption");
    }

    @Test
    void aMissingHeaderColumnIsRefused() throws IOException {
        dataset(utf8(HEADER.replace("book_authors,", "") + "\n" + ROW.substring(ROW.indexOf(',') + 1) + "\n"), true);
        assertRefused("book_data.csv:1", "no book_authors column");
    }

    @Test
    void aUtf16CsvIsRefusedNamingTheEncoding() throws IOException {
        dataset((HEADER + "\n" + ROW + "\n").getBytes(StandardCharsets.UTF_16LE), true);
        assertRefused("book_data.csv", "UTF-16");
        dataset((HEADER + "\n" + ROW + "\n").getBytes(StandardCharsets.UTF_16), true); // with a byte order mark
        assertRefused("book_data.csv", "UTF-16", "byte order mark");
    }

    @Test
    void aSemicolonSeparatedCsvIsRefused() throws IOException {
        dataset(utf8(HEADER.replace(',', ';') + "\n" + ROW.replace(',', ';') + "\n"), true);
        assertRefused("book_data.csv:1", "semicolon-separated");
    }

    @Test
    void aMissingImagesFolderIsRefusedAsMissing() throws IOException {
        Path root = dataset(utf8(HEADER + "\n" + ROW + "\n"), false);
        assertRefused(root.resolve("images/images").toString(), "is missing");
    }

    @Test
    void aUsableFolderPassesTheCheck() throws IOException {
        dataset(utf8(HEADER + "\n" + ROW + "\n"), true);
        InProcessCli.Result r = coverlab(cwd, "spec", "check", "spec.yaml", "--stages", "prepare_data");
        assertEquals(0, r.code(), r.all());
    }
}
