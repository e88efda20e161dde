package org.coverlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunStatus;
import org.coverlab.util.AtomicFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class ReportTest {

    @TempDir
    Path tmp;
    private RunFolderFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new RunFolderFixture(tmp.resolve("runs"));
    }

    private RunSnapshot trained(String name, double lr, double fid) throws Exception {
        RunFolderFixture.Run run = fixture.start(name, Map.of("train.learning_rate", lr));
        run.grid("base", 0, RunFolderFixture.PROMPTS).train(40, 20, 2.0, lr).grid("step-20", 20, RunFolderFixture.PROMPTS)
                .grid("step-40", 40, RunFolderFixture.PROMPTS)
                .evaluation("step-40", 40, 2.0, Map.of("fid", fid, "kid", 0.0123, "kid_std", 0.001), 100, "inception")
                .evaluation("step-40-cover", 40, 2.0, Map.of("fid_cover", fid / 10, "kid_cover", 0.002, "kid_cover_std", 0.0004), 100, "cover")
                .summary(Map.of("final_loss", 0.4321, "images_seen", 320L, "train_seconds", 61.5, "optimizer_updates", 40L,
                        "peak_rss_mb", 1234.0));
        run.finish();
        return RunSnapshot.read(run.dir());
    }

    private String write(List<RunSnapshot> runs, Path page) throws Exception {
        Report.write(runs, page, new Report.Options("Study test", null));
        return Files.readString(page);
    }

    @Test
    void theSpecSectionShowsOnlyTheKeysWhoseResolvedValuesDiffer() throws Exception {
        RunSnapshot a = trained("te-2ep-500", 5e-6, 40.0);
        RunSnapshot b = trained("unet-8ep-3000", 1e-5, 35.0);
        SpecDiff diff = SpecDiff.of(List.of(a, b));
        assertEquals(List.of("name", "train.learning_rate"), diff.differing().stream().map(SpecDiff.Row::key).toList());
        assertEquals(List.of("5.0E-6", "1.0E-5"), diff.differing().get(1).values());
        assertTrue(diff.shared().stream().anyMatch(r -> r.key().equals("seed") && r.first().equals("42")));
    }

    @Test
    void theSummaryTableHoldsFinalLossImagesSeenWallTimeThroughputAndPeakMemory() throws Exception {
        RunSnapshot a = trained("te-2ep-500", 5e-6, 40.0);
        Table t = SummaryTables.runs(List.of(a));
        assertEquals(a.id(), t.stringColumn("run").get(0));
        assertEquals(0.4321, t.doubleColumn("final loss").get(0));
        assertEquals(320L, t.longColumn("images seen").get(0));
        assertEquals(40L, t.longColumn("optimizer steps").get(0));
        assertEquals(61.5, t.doubleColumn("training time (s)").get(0));
        assertEquals(a.wallSeconds(), t.doubleColumn("wall time (s)").get(0), "the run's own wall time, not training's");
        assertEquals(8.0, t.doubleColumn("examples/s").get(0));
        assertEquals(1234.0, t.doubleColumn("peak memory (MB)").get(0));
        String page = write(List.of(a), tmp.resolve("r.html"));
        assertTrue(page.contains(">0.4321</td>"), "final loss formatted in the page");
        assertTrue(page.contains(">1,234</td>"), "peak memory in the page");
        assertTrue(Files.readString(tmp.resolve("r_files/summary.csv")).contains("0.4321"));
    }

    @Test
    void eachEvaluationPointListsItsMetricsAndImagesAndCoverScoresAreLabelledAsSuch() throws Exception {
        RunSnapshot a = trained("te-2ep-500", 5e-6, 40.0);
        Table t = SummaryTables.evaluations(List.of(a));
        assertEquals(2, t.rowCount());
        assertEquals(List.of("run", "spec name", "point", "step", "epoch", "images", "reference images", "extractor",
                "fid", "kid", "fid_cover", "kid_cover", "kid_cover_std", "kid_std"), t.columnNames());
        assertEquals(100L, t.longColumn("images").get(0));
        assertEquals(50L, t.longColumn("reference images").get(0));
        String page = write(List.of(a), tmp.resolve("r.html"));
        assertTrue(page.contains(">40.000</td>"), "fid value in the evaluation table");
        assertTrue(page.contains("title=\"cover-feature score, not FID\">fid_cover</th>"), page);
        assertTrue(page.contains("fid_cover (cover-feature score, not FID) vs step"), "plot title labels the cover score");
        assertFalse(page.contains("FID (Inception) vs step\" ") && page.contains("alt=\"Plot: fid_cover\""));
    }

    @Test
    void plotsArePngsWithOneSeriesPerRunForLossAndEachMetricAgainstStepAndEpoch() throws Exception {
        RunSnapshot a = trained("a", 5e-6, 40.0);
        RunSnapshot b = trained("b", 1e-5, 35.0);
        write(List.of(a, b), tmp.resolve("r.html"));
        for (String metric : List.of("loss", "fid", "kid", "fid_cover", "kid_cover", "lr", "grad_norm", "examples_per_s", "rss_mb")) {
            for (String axis : List.of("step", "epoch")) {
                Path png = tmp.resolve("r_files/plot-" + metric + "-vs-" + axis + ".png");
                BufferedImage img = ImageIO.read(png.toFile());
                assertNotNull(img, png.toString());
                assertEquals(720, img.getWidth());
            }
        }
        assertFalse(Files.exists(tmp.resolve("r_files/plot-epoch-vs-step.png")), "epoch is an axis, not a curve");
        assertFalse(Files.exists(tmp.resolve("r_files/plot-kid_std-vs-step.png")), "a spread is drawn as error bars");
    }

    @Test
    void gridsLineUpByPromptAndSeedWithTheLatestGridPerRunAndAnEvolutionStrip() throws Exception {
        RunSnapshot a = trained("a", 5e-6, 40.0);
        RunSnapshot b = trained("b", 1e-5, 35.0);
        var labels = new java.util.IdentityHashMap<RunSnapshot, String>(Map.of(a, "A", b, "B"));
        List<GridComparison.Section> sections = GridComparison.build(List.of(a, b), labels, p -> p.getFileName().toString(),
                new Thumbnails(tmp.resolve("thumbs"), p -> p.getFileName().toString(), Thumbnails.EMBED_BUDGET));
        assertEquals(RunFolderFixture.PROMPTS, sections.stream().map(GridComparison.Section::prompt).toList());
        GridComparison.Section first = sections.get(0);
        assertEquals(RunFolderFixture.SEEDS, first.seeds());
        assertEquals(List.of("step-40", "step-40"), first.rows().stream().map(GridComparison.Row::grid).toList());
        assertEquals("p000-s43.png", first.rows().get(1).cells().get(1).href());
        assertTrue(first.rows().get(0).cells().get(0).thumb().startsWith("data:image/jpeg;base64,"));
        assertEquals(List.of("base · seed 42", "step-20 · seed 42", "step-40 · seed 42"),
                first.strips().get(0).cells().stream().map(GridComparison.Cell::caption).toList());
        assertTrue(first.notes().isEmpty(), "same latents everywhere: no warning");
    }

    @Test
    void everyTextFromSpecsAndCaptionsIsEscaped() throws Exception {
        String evil = "<script>alert('x')</script>";
        RunFolderFixture.Run run = fixture.start(evil, Map.of("description", "\"><img src=x onerror=alert(1)>"));
        run.grid("base", 0, List.of("A cover <b>bold</b> & \"quoted\" <script>alert(2)</script>"));
        run.finish();
        String page = write(List.of(RunSnapshot.read(run.dir())), tmp.resolve("r.html"));
        assertFalse(page.contains("<script"), "no script element may come from a spec or caption");
        assertFalse(page.contains("<img src=x"), page);
        assertFalse(page.contains("<b>bold</b>"));
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") || page.contains("&lt;script&gt;alert("), page);
        assertTrue(page.contains("A cover &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"), "prompt text is shown, escaped");
    }

    @Test
    void aRunStillRunningIsSaidSoAndWhatItHasIsShown() throws Exception {
        RunFolderFixture.Run run = fixture.start("live", Map.of());
        run.grid("base", 0, RunFolderFixture.PROMPTS).train(10, 20, 2.0, 5e-6).leaveRunning("train", 10);
        try {
            RunSnapshot s = RunSnapshot.read(run.dir());
            assertEquals(RunStatus.RUNNING, s.status());
            assertTrue(s.live());
            String page = write(List.of(s), tmp.resolve("r.html"));
            assertTrue(page.contains("This run is still running (stage train, step 10"), page);
            assertTrue(Files.exists(tmp.resolve("r_files/plot-loss-vs-step.png")));
            assertTrue(page.contains(">running (live)</td>"));
        } finally {
            run.close();
        }
        RunSnapshot after = RunSnapshot.read(run.dir());
        assertEquals(RunStatus.KILLED, after.status(), "no process holds it any more: shown as killed, resumable");
        assertTrue(write(List.of(after), tmp.resolve("r2.html")).contains("coverlab run --resume " + after.id()));
    }

    @Test
    void runsWithNoCommonMetricGetANoteInsteadOfAnError() throws Exception {
        RunFolderFixture.Run a = fixture.start("trains", Map.of());
        a.train(5, 5, 1.0, 1e-5).finish();
        RunFolderFixture.Run b = fixture.start("grids", Map.of());
        b.grid("base", 0, RunFolderFixture.PROMPTS).finish();
        String page = write(List.of(RunSnapshot.read(a.dir()), RunSnapshot.read(b.dir())), tmp.resolve("r.html"));
        assertTrue(page.contains("These runs have no metric in common"), page);
        assertTrue(page.contains("No evaluation point in these runs"));
        assertTrue(page.contains("this run has no grid"), "the training-only run's grid row says why it is empty");
    }

    @Test
    void prunedGridsAreNamedAndTheirCellsAreLeftEmptyNotBroken() throws Exception {
        RunFolderFixture.Run run = fixture.start("pruned", Map.of());
        run.grid("base", 0, RunFolderFixture.PROMPTS).train(20, 20, 2.0, 5e-6).grid("step-20", 20, RunFolderFixture.PROMPTS);
        run.finish();
        RunDir dir = run.dir();
        AtomicFiles.deleteTree(dir.samples().resolve("base"));
        Files.delete(dir.samples().resolve("step-20").resolve("p001-s43.png"));
        RunSnapshot s = RunSnapshot.read(dir);
        assertTrue(s.notes().contains("grid base (step 0) was logged but its files are gone from samples/base/ (pruned or deleted)"),
                s.notes().toString());
        assertTrue(s.notes().contains("grid step-20: 1 of its image files are missing (pruned or deleted); their cells are left empty"),
                s.notes().toString());
        String page = write(List.of(s), tmp.resolve("r.html"));
        assertTrue(page.contains("image file missing (pruned?)"));
        Matcher img = Pattern.compile("<img [^>]*src=\"([^\"]*)\"").matcher(page);
        List<String> srcs = new ArrayList<>();
        while (img.find()) {
            srcs.add(img.group(1));
        }
        assertFalse(srcs.isEmpty());
        assertTrue(srcs.stream().allMatch(src -> src.startsWith("data:image/")), "every image is embedded: " + srcs);
    }

    @Test
    void writingThePageAgainGivesTheSameBytesAndItsTimeComesFromTheRecordNotTheClock() throws Exception {
        RunSnapshot a = trained("a", 5e-6, 40.0);
        RunSnapshot b = trained("b", 1e-5, 35.0);
        Path page = tmp.resolve("study.html");
        byte[] first = write(List.of(a, b), page).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Thread.sleep(1100); // a clock-read minute or second would now differ
        byte[] again = write(List.of(RunSnapshot.read(a.dir()), RunSnapshot.read(b.dir())), page)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(java.util.Arrays.equals(first, again), "the page changed although the runs did not");
        String text = new String(again, java.nio.charset.StandardCharsets.UTF_8);
        String lastEvent = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .withZone(java.time.ZoneOffset.UTC).format(b.lastEvent());
        assertTrue(text.contains("as their records stood at " + lastEvent), text.substring(0, 3000));
    }

    @Test
    void theRunWritingItsOwnReportIsShownFinishedNotRunning() throws Exception {
        RunFolderFixture.Run run = fixture.start("self", Map.of());
        run.grid("base", 0, RunFolderFixture.PROMPTS).train(10, 20, 2.0, 5e-6).leaveRunning("report", 10);
        try {
            RunSnapshot s = RunSnapshot.read(run.dir());
            Path page = tmp.resolve("self.html");
            Report.write(List.of(s), page, new Report.Options("Run", s.id()));
            String html = Files.readString(page);
            assertFalse(html.contains("still running"), html);
            assertTrue(html.contains(">finished</td>"), "summary status");
            assertFalse(html.contains("running (live)"));
        } finally {
            run.close();
        }
    }

    @Test
    void mlflowAndWandbRunsAreLinkedFromTheRunsLog() throws Exception {
        RunFolderFixture.Run run = fixture.start("tracked", Map.of("tracking.tracking_uri", "http://127.0.0.1:5000/",
                "tracking.project", "covers"));
        run.train(5, 5, 1.0, 1e-5).finish();
        Files.writeString(run.dir().log(), String.join("\n",
                "2026-11-30 10:00:01 INFO  [run] mlflow: created run 0f3a9c in experiment 'covers' (id 7) for coverlab run " + run.id(),
                "2026-11-30 10:00:01 INFO  [run] wandb: created run me/covers/" + run.id() + " (https://wandb.ai/me/covers/runs/"
                        + run.id() + ")", ""));
        RunSnapshot s = RunSnapshot.read(run.dir());
        assertEquals("http://127.0.0.1:5000/#/experiments/7/runs/0f3a9c", s.trackers().mlflowRunUrl());
        String page = write(List.of(s), tmp.resolve("t.html"));
        assertTrue(page.contains("href=\"http://127.0.0.1:5000/#/experiments/7/runs/0f3a9c\""), "MLflow deep link");
        assertTrue(page.contains("href=\"https://wandb.ai/me/covers/runs/" + run.id() + "\""), "W&B link");
    }

    @Test
    void pastTheEmbeddingBudgetThumbnailsBecomeFilesAndLongStripsAreThinned() throws Exception {
        RunFolderFixture.Run run = fixture.start("long", Map.of());
        run.grid("base", 0, RunFolderFixture.PROMPTS);
        for (int step = 10; step <= 120; step += 10) {
            run.grid("step-" + step, step, RunFolderFixture.PROMPTS);
        }
        run.finish();
        RunSnapshot s = RunSnapshot.read(run.dir());
        Path page = tmp.resolve("big.html");
        Report.write(List.of(s), page, new Report.Options("Budget", null, 20_000));
        String html = Files.readString(page);
        Matcher img = Pattern.compile("<img src=\"([^\"]*)\" alt=\"Run ").matcher(html);
        int embedded = 0;
        int linked = 0;
        while (img.find()) {
            if (img.group(1).startsWith("data:")) {
                embedded++;
            } else {
                assertTrue(img.group(1).startsWith("big_files/thumbs/thumb-"), img.group(1));
                assertTrue(Files.isRegularFile(tmp.resolve(img.group(1))), img.group(1));
                linked++;
            }
        }
        assertTrue(embedded > 0 && linked > 0, embedded + " embedded, " + linked + " linked");
        long files;
        try (var listed = Files.list(tmp.resolve("big_files/thumbs"))) {
            files = listed.count();
        }
        assertTrue(html.contains("the other " + files + " are files in big_files/thumbs/"), "the page says where they are");
        assertTrue(html.contains("8 of 13 grids"), "the evolution strip shows 8 of the 13 grids");
        assertEquals(List.of(0, 2, 3, 5, 7, 9, 10, 12), GridComparison.evenly(java.util.stream.IntStream.range(0, 13).boxed().toList(), 8));
    }

    @Test
    void theStudySelectionTakesRunsBySpecNameOrStudyTagOldestFirst() throws Exception {
        RunFolderFixture.Run a = fixture.start("te-2ep-500", Map.of());
        a.finish();
        RunFolderFixture.Run b = fixture.start("other", Map.of());
        b.finish();
        Files.writeString(b.dir().spec(), "name: other\nstudy: book-covers\n");
        RunFolderFixture.Run c = fixture.start("unrelated", Map.of());
        c.finish();
        List<RunDir> all = List.of(a.dir(), b.dir(), c.dir());
        assertEquals(List.of(a.id()), StudySelection.members(all, "te-2ep-500").stream().map(RunDir::id).toList());
        assertEquals(List.of(b.id()), StudySelection.members(all, "book-covers").stream().map(RunDir::id).toList());
        assertTrue(StudySelection.members(all, "nothing").isEmpty());
    }
}
