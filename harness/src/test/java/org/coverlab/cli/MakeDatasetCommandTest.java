package org.coverlab.cli;

import org.coverlab.data.BookTableReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MakeDatasetCommandTest {

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new MakeDatasetCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void syntheticWritesTheKaggleLayoutAndAPreview(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("set");
        Result r = run("synthetic", "--count", "12", "--seed", "3", "--out", out.toString(), "--width", "48", "--height", "72",
                "--preview", dir.resolve("grid.png").toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("book_data.csv"));
        assertEquals(String.join(",", BookTableReader.KAGGLE_COLUMNS), lines.get(0));
        for (int i = 0; i < 12; i++) {
            assertTrue(Files.size(out.resolve("images/images/" + i + ".jpg")) > 0);
        }
        var img = javax.imageio.ImageIO.read(out.resolve("images/images/0.jpg").toFile());
        assertEquals(48, img.getWidth());
        assertEquals(72, img.getHeight());
        assertTrue(Files.size(dir.resolve("grid.png")) > 0);
    }

    @Test
    void genericWritesCaptionsCsv(@TempDir Path dir) throws Exception {
        Result r = run("generic", "--count", "5", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("index,caption", Files.readAllLines(dir.resolve("captions.csv")).get(0));
        assertEquals(6, Files.readAllLines(dir.resolve("captions.csv")).size());
    }

    @Test
    void badArgumentsAreUsageErrorsNotStackTraces(@TempDir Path dir) {
        Result zero = run("synthetic", "--count", "0", "--out", dir.toString());
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("count must be at least 1") && !zero.err().contains("Exception"), zero.err());
        Result missing = run("synthetic", "--count", "3");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--out"), missing.err());
        Result none = run();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("synthetic or generic"), none.err());
    }

    @Test
    void asACoverlabSubcommandItPrintsToTheContextAndResolvesPathsInItsWorkingDirectory(@TempDir Path cwd) throws Exception {
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "make-dataset", "synthetic", "--count", "5", "--out", "covers");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().startsWith("wrote 5 synthetic cover images (64x96, seed 0) and book_data.csv to covers in "), r.all());
        assertEquals(6, Files.readAllLines(cwd.resolve("covers/book_data.csv")).size());
        assertTrue(Files.size(cwd.resolve("covers/images/images/4.jpg")) > 0);
        Files.writeString(cwd.resolve("file"), "x");
        InProcessCli.Result notAFolder = InProcessCli.coverlab(cwd, "make-dataset", "generic", "--count", "2", "--out", "file");
        assertEquals(2, notAFolder.code(), notAFolder.all());
        assertEquals("coverlab make-dataset: --out file exists and is not a folder", notAFolder.err().strip());
    }
}
