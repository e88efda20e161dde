package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverlab report} through the command line, and the report stage at the end of a real (demo) run. */
class ReportCommandTest {

    @TempDir
    Path cwd;

    @BeforeEach
    void fastDemo() {
        System.setProperty("coverlab.test.stepMillis", "0");
        System.setProperty("coverlab.test.steps", "12");
    }

    @AfterEach
    void clear() {
        System.clearProperty("coverlab.test.stepMillis");
        System.clearProperty("coverlab.test.steps");
    }

    /** A demo run (the test stage) whose spec evaluates, so the report stage applies; returns its id. */
    private String demoRun(String name, String lr) throws Exception {
        Path spec = Files.writeString(cwd.resolve(name + ".yaml"), """
                name: %s
                train: {learning_rate: %s, checkpoint_every: 6}
                sample: {every: never}
                eval: {metrics: [fid], every: end}
                """.formatted(name, lr));
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "run", spec.toString(), "--stages", "test,report");
        assertEquals(0, r.code(), r.all());
        Matcher m = Pattern.compile("run ([0-9a-z]{8}) finished").matcher(r.out() + r.err());
        assertTrue(m.find(), r.all());
        return m.group(1);
    }

    @Test
    void theReportStageWritesThePageInTheRunAndJournalsItAndItsPlotsForTheTrackers() throws Exception {
        String id = demoRun("report-stage", "5e-6");
        Path run = cwd.resolve("runs").resolve(id);
        String page = Files.readString(run.resolve("report.html"));
        assertTrue(page.contains("Run " + id + " · report-stage"), "title");
        assertFalse(page.contains("still running"), "the run's own report stage does not call its run unfinished");
        assertTrue(Files.isRegularFile(run.resolve("report_files/plot-loss-vs-step.png")));
        List<JournalRecord> journal = Journal.read(run.resolve("events.jsonl"));
        assertTrue(journal.stream().anyMatch(r -> r.event() instanceof RunEvent.Artifact a
                && a.kind().equals("report") && a.path().equals("report.html") && a.step() == 12), "report artifact at the last step");
        assertTrue(journal.stream().anyMatch(r -> r.event() instanceof RunEvent.Image i
                && i.key().equals("report/plot-loss-vs-step") && i.path().equals("report_files/plot-loss-vs-step.png")),
                "plots logged as images");
    }

    @Test
    void reportsGoToTheRunForOneRunAndToReportsForSeveralOrAStudy() throws Exception {
        String a = demoRun("study-a", "5e-6");
        String b = demoRun("study-a", "1e-5");
        InProcessCli.Result one = InProcessCli.coverlab(cwd, "report", a);
        assertEquals(0, one.code(), one.all());
        assertTrue(one.out().contains("wrote " + cwd.resolve("runs").resolve(a).resolve("report.html")), one.all());

        InProcessCli.Result two = InProcessCli.coverlab(cwd, "report", a, b);
        assertEquals(0, two.code(), two.all());
        String page = Files.readString(cwd.resolve("reports/compare-" + a + "-" + b + ".html"));
        assertTrue(page.contains("train.learning_rate"), "the differing key is shown");

        InProcessCli.Result study = InProcessCli.coverlab(cwd, "report", "--study", "study-a");
        assertEquals(0, study.code(), study.all());
        String studyPage = Files.readString(cwd.resolve("reports/study-a.html"));
        assertTrue(studyPage.contains(a) && studyPage.contains(b), "both members of the study");

        String c = demoRun("study-b", "1e-4");
        InProcessCli.Result both = InProcessCli.coverlab(cwd, "report", "--study", "study-a", "--study", "study-b");
        assertEquals(0, both.code(), both.all());
        String bothPage = Files.readString(cwd.resolve("reports/study-a+study-b.html"));
        assertTrue(bothPage.contains(a) && bothPage.contains(b) && bothPage.contains(c), "the members of both studies");

        InProcessCli.Result out = InProcessCli.coverlab(cwd, "report", a, "--out", "elsewhere/mine.html");
        assertEquals(0, out.code(), out.all());
        assertTrue(Files.isRegularFile(cwd.resolve("elsewhere/mine.html")));
        assertTrue(Files.isRegularFile(cwd.resolve("elsewhere/mine_files/summary.csv")));
    }

    @Test
    void unknownRunsAndEmptyStudiesAreBadInputNamedBeforeAnythingIsWritten() throws Exception {
        String a = demoRun("known", "5e-6");
        InProcessCli.Result unknown = InProcessCli.coverlab(cwd, "report", a, "zzzzzzzz", "not-an-id");
        assertEquals(2, unknown.code(), unknown.all());
        assertTrue(unknown.err().contains("no run 'zzzzzzzz' in "), unknown.all());
        assertTrue(unknown.err().contains("'not-an-id' is not a run id"), unknown.all());
        InProcessCli.Result study = InProcessCli.coverlab(cwd, "report", "--study", "no-such-study");
        assertEquals(2, study.code(), study.all());
        assertTrue(study.err().contains("no run belongs to study 'no-such-study'"), study.all());
        InProcessCli.Result nothing = InProcessCli.coverlab(cwd, "report");
        assertEquals(2, nothing.code(), nothing.all());
        assertFalse(Files.exists(cwd.resolve("reports")), "nothing written on bad input");
    }
}
