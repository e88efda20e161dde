package org.coverlab.spec;

import static org.coverlab.spec.SpecTestFiles.issues;
import static org.coverlab.spec.SpecTestFiles.load;
import static org.coverlab.spec.SpecTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecFileChecksTest {
    @TempDir
    Path dir;

    private static SpecIssue only(List<SpecIssue> issues) {
        assertEquals(1, issues.size(), issues::toString);
        return issues.get(0);
    }

    @Test
    void modelFolderWithModelIndexIsAcceptedAsAnAbsolutePath() throws Exception {
        Path sd = Files.createDirectories(dir.resolve("models/sd15"));
        Files.writeString(sd.resolve("model_index.json"), "{}");
        Path spec = write(dir, "exp/spec.yaml", "model:\n  base: ../models/./sd15/\n");
        assertEquals(sd.toString(), load(spec).model().base());
    }

    @Test
    void modelFolderWithoutModelIndexIsRejected() throws Exception {
        Files.createDirectories(dir.resolve("sd"));
        SpecIssue issue = only(issues(write(dir, "spec.yaml", "name: x\nmodel:\n  base: sd\n")));
        assertEquals("model.base", issue.keyPath());
        assertEquals(3, issue.line());
        assertTrue(issue.message().contains("has no model_index.json"), issue.message());
    }

    @Test
    void missingModelFolderIsRejected() {
        SpecIssue issue = only(issues(write(dir, "spec.yaml", "model:\n  base: /no/such/sd15\n")));
        assertEquals("folder /no/such/sd15 does not exist; expected 'tiny' or a diffusers Stable Diffusion folder (with model_index.json)",
                issue.message());
    }

    @Test
    void goodreadsDatasetFolderMustExistWithItsCsv() throws Exception {
        SpecIssue missing = only(issues(write(dir, "spec.yaml", "dataset:\n  source: goodreads\n  path: kaggle\n")));
        assertEquals("dataset.path", missing.keyPath());
        assertTrue(missing.message().startsWith("folder " + dir.resolve("kaggle") + " does not exist"), missing.message());

        Files.createDirectories(dir.resolve("kaggle"));
        SpecIssue noCsv = only(issues(dir.resolve("spec.yaml")));
        assertEquals("dataset.csv", noCsv.keyPath());

        Files.writeString(dir.resolve("kaggle/book_data.csv"), "book_title\n");
        assertEquals(dir.resolve("kaggle").toString(), load(dir.resolve("spec.yaml")).dataset().path());
    }

    @Test
    void syntheticDatasetFolderNeedNotExistYet() throws Exception {
        ExperimentSpec spec = load(write(dir, "spec.yaml", "dataset:\n  path: later\n"));
        assertEquals(dir.resolve("later").toString(), spec.dataset().path());
    }

    @Test
    void referenceStatisticsFileMustExistWhenEvaluating() throws Exception {
        SpecIssue issue = only(issues(write(dir, "spec.yaml", "eval:\n  reference_stats: stats/test.npz\n")));
        assertEquals("eval.reference_stats", issue.keyPath());
        ExperimentSpec notEvaluating = load(write(dir, "off.yaml", "eval:\n  reference_stats: stats/test.npz\n  every: never\n"));
        assertEquals(dir.resolve("stats/test.npz").toString(), notEvaluating.eval().referenceStats());
        Files.createDirectories(dir.resolve("stats"));
        Files.write(dir.resolve("stats/test.npz"), new byte[] {1});
        assertEquals(dir.resolve("stats/test.npz").toString(), load(dir.resolve("spec.yaml")).eval().referenceStats());
    }

    @Test
    void sentinelWordsAreNotPaths() throws Exception {
        ExperimentSpec spec = load(write(dir, "spec.yaml", "model:\n  base: tiny\neval:\n  reference_stats: validation\n"));
        assertEquals("tiny", spec.model().base());
        assertEquals("validation", spec.eval().referenceStats());
    }

    @Test
    void homeFolderIsExpanded() throws Exception {
        ExperimentSpec spec = load(write(dir, "spec.yaml", "dataset:\n  path: ~/covers\n"));
        assertEquals(Path.of(System.getProperty("user.home"), "covers").toAbsolutePath().normalize().toString(), spec.dataset().path());
    }

    @Test
    void emptyPathIsRejected() {
        assertEquals("is empty; expected 'tiny' or a path", only(issues(write(dir, "spec.yaml", "model:\n  base: \"\"\n"))).message());
    }

    @Test
    void fileChecksCanBeTurnedOffForInspection() throws Exception {
        Path spec = write(dir, "spec.yaml", "model:\n  base: /no/such/sd15\n");
        ExperimentSpec loaded = SpecLoader.load(spec, List.of(), new SpecLoader.Options(dir, false));
        assertEquals("/no/such/sd15", loaded.model().base());
    }
}
