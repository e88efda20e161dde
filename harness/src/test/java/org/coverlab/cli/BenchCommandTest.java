package org.coverlab.cli;

import static org.coverlab.cli.InProcessCli.coverlab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverlab bench models|data}: help, argument checks, and a short data measurement. */
class BenchCommandTest {

    @TempDir
    Path cwd;

    @Test
    void helpListsModelsAndDataWithTheirOptions() {
        InProcessCli.Result group = coverlab(cwd, "bench", "--help");
        assertEquals(0, group.code(), group.all());
        assertTrue(group.out().contains("models") && group.out().contains("data"), group.all());
        InProcessCli.Result models = coverlab(cwd, "bench", "models", "--help");
        for (String option : new String[] {"--seconds", "--batches", "--vocab", "--in-process", "--sd15"}) {
            assertTrue(models.out().contains(option), option + " missing from\n" + models.all());
        }
        InProcessCli.Result none = coverlab(cwd, "bench");
        assertEquals(2, none.code(), none.all());
        assertTrue(none.err().contains("a subcommand is required"), none.all());
    }

    @Test
    void modelBenchmarkInProcessReportsEveryCaseOfTheTinyPreset() {
        InProcessCli.Result r = coverlab(cwd, "bench", "models", "--seconds", "0.2", "--batches", "1", "--in-process",
                "--vocab", "1000");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().startsWith("tiny preset (1000-token vocabulary), PyTorch "), r.all());
        assertTrue(r.out().contains("0.2 s per case, one JVM (peak RSS cumulative)"), r.all());
        for (String c : new String[] {"unet          forward          batch 1", "unet          forward+backward batch 1",
                "text_encoder  forward          batch 1", "text_encoder  forward+backward batch 1"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(c) && l.contains(" steps/s ") && l.contains("peak RSS")),
                    c + " missing from\n" + r.all());
        }
    }

    @Test
    void badBenchmarkArgumentsAreUsageErrors() {
        InProcessCli.Result seconds = coverlab(cwd, "bench", "models", "--seconds", "0");
        assertEquals(2, seconds.code(), seconds.all());
        assertTrue(seconds.err().contains("seconds per case must be > 0, got 0.0"), seconds.all());
        InProcessCli.Result batch = coverlab(cwd, "bench", "models", "--batches", "1,0");
        assertEquals(2, batch.code(), batch.all());
        assertTrue(batch.err().contains("batch sizes must be >= 1, got 0"), batch.all());
        InProcessCli.Result notANumber = coverlab(cwd, "bench", "models", "--batches", "four");
        assertEquals(2, notANumber.code(), notANumber.all());
        assertTrue(notANumber.err().contains("--batches"), notANumber.all());
        InProcessCli.Result noData = coverlab(cwd, "bench", "data", "nowhere");
        assertEquals(2, noData.code(), noData.all());
        assertEquals("coverlab bench data: nowhere: no such dataset folder", noData.err().strip());
    }

    @Test
    void compareRefusesUnknownRowsAndBadSettingsBeforeMeasuring() {
        InProcessCli.Result row = coverlab(cwd, "bench", "compare", "--rows", "unet_train_b1,warp_drive");
        assertEquals(2, row.code(), row.all());
        assertTrue(row.err().contains("unknown row 'warp_drive'; rows: unet_train_b1, unet_train_b8"), row.all());
        InProcessCli.Result threads = coverlab(cwd, "bench", "compare", "--threads", "0");
        assertEquals(2, threads.code(), threads.all());
        assertTrue(threads.err().contains("--threads and --rounds must be >= 1"), threads.all());
    }

    @Test
    void dataBenchmarkStreamsOneEpochOfAGeneratedDataset() {
        InProcessCli.Result made = coverlab(cwd, "make-dataset", "synthetic", "--count", "8", "--out", "set");
        assertEquals(0, made.code(), made.all());
        InProcessCli.Result r = coverlab(cwd, "bench", "data", "set", "--width", "32", "--height", "48");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().matches("(?s)opened 8 rows in .* s; one epoch of \\d+ examples at 32x48 in .* examples/s .*"),
                r.all());
    }

    /** The miniature's bad covers (an HTML page, a cut JPEG) are named with their reason, then the counts by reason. */
    @Test
    void dataBenchmarkPrintsTheSkippedCoversAndTheSkipSummary() {
        Path mini = Path.of("src/test/resources/goodreads-mini").toAbsolutePath();
        InProcessCli.Result r = coverlab(cwd, "bench", "data", mini.toString(), "--width", "32", "--height", "48");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("skipped: images/images/7.jpg: "), r.all());
        assertTrue(r.out().contains("skipped: images/images/8.jpg: image truncated"), r.all());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("skips: dropped \\d+ \\(.*image truncated 1.*\\); converted \\d+.*")),
                r.all());
    }
}
