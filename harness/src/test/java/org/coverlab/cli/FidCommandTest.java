package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coverlab fid} and {@code precalc-fid-stats} as a user calls them, with the cover-feature extractor (the
 * embedded default; the network is built once in the shared models folder).
 */
class FidCommandTest {

    @TempDir
    static Path cwd;

    @BeforeAll
    static void twoSmallDatasets() {
        for (String[] d : new String[][] {{"a", "1"}, {"b", "2"}}) {
            InProcessCli.Result r = InProcessCli.coverlab(cwd, "make-dataset", "synthetic", "--count", "60", "--seed", d[1],
                    "--out", d[0]);
            assertEquals(0, r.code(), r.all());
        }
    }

    private static double score(InProcessCli.Result r) {
        Matcher m = Pattern.compile("fid_cover: (\\S+)").matcher(r.out());
        assertTrue(m.find(), r.all());
        return Double.parseDouble(m.group(1));
    }

    @Test
    void precomputedStatisticsGiveTheSameDistanceAsTheFolderTheyCameFrom() {
        InProcessCli.Result stats = InProcessCli.coverlab(cwd, "precalc-fid-stats", "a", "--extractor", "cover",
                "--out", "a.npz");
        assertEquals(0, stats.code(), stats.all());
        assertTrue(Files.isRegularFile(cwd.resolve("a.npz")), stats.all());

        double fromFolders = score(InProcessCli.coverlab(cwd, "fid", "a", "b", "--extractor", "cover"));
        double fromStats = score(InProcessCli.coverlab(cwd, "fid", "a.npz", "b", "--extractor", "cover"));
        assertTrue(fromFolders > 0, "two different datasets are at a positive distance: " + fromFolders);
        assertEquals(fromFolders, fromStats, 1e-9 * Math.max(1, fromFolders));
        assertEquals(0, score(InProcessCli.coverlab(cwd, "fid", "a.npz", "a", "--extractor", "cover")), 1e-6);
    }

    @Test
    void aDimensionTheExtractorDoesNotGiveIsBadInput() {
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "fid", "a", "b", "--extractor", "cover", "--dims", "64");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.all());
        assertTrue(r.err().contains("--dims 64"), r.all());
        InProcessCli.Result p = InProcessCli.coverlab(cwd, "precalc-fid-stats", "a", "--extractor", "cover",
                "--dims", "64", "--out", "x.npz");
        assertEquals(ExitCodes.BAD_INPUT, p.code(), p.all());
        assertTrue(Files.notExists(cwd.resolve("x.npz")), "nothing written on bad input");
    }

    @Test
    void statisticsMustBeWrittenToAnNpzFile() {
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "precalc-fid-stats", "a", "--out", "stats.bin");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.all());
        assertTrue(r.err().contains(".npz"), r.all());
    }
}
