package org.coverlab.cli;

import static org.coverlab.cli.InProcessCli.coverlab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.SpecWriter;
import org.coverlab.stages.Pipeline;
import org.coverlab.testsupport.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverlab spec check|show}: the same validation as {@code coverlab run}, nothing run. */
class SpecCommandTest {

    @TempDir
    Path cwd;

    private static String quickstart() {
        return Repository.root().resolve("experiments/quickstart.yaml").toString();
    }

    /** run says it as spec check does (theHarnessDemoWithoutStagesTestSaysToAddIt), and creates no run. */
    @Test
    void theHarnessDemoRunWithoutStagesTestCreatesNoRunAndSaysToAddIt() {
        String demo = Repository.root().resolve("experiments/harness-demo.yaml").toString();
        InProcessCli.Result r = coverlab(cwd, "run", demo);
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("add '--stages test' to run the harness demo loop"), r.all());
        assertFalse(Files.exists(cwd.resolve("runs")), "no run was created");
    }

    @Test
    void helpExplainsCheckAndShow() {
        InProcessCli.Result group = coverlab(cwd, "spec", "--help");
        assertEquals(0, group.code(), group.all());
        assertTrue(group.out().contains("check") && group.out().contains("show"), group.all());
        InProcessCli.Result check = coverlab(cwd, "spec", "check", "--help");
        assertTrue(check.out().contains("--set") && check.out().contains("--no-file-checks"), check.all());
    }

    @Test
    void aSpecThatRunWouldStartChecksOkWithItsHash() {
        String gridsOnly = Repository.root().resolve("experiments/grids-only.yaml").toString();
        InProcessCli.Result r = coverlab(cwd, "spec", "check", gridsOnly);
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().matches("ok: grids-only \\(sha256 [0-9a-f]{64}\\)\\R"), r.all());
        InProcessCli.Result changed = coverlab(cwd, "spec", "check", gridsOnly, "--set", "sample.steps=2");
        assertEquals(0, changed.code(), changed.all());
        assertNotEquals(r.out(), changed.out());
    }

    @Test
    void checkPlansAsRunDoesAndExitsTheSameWay() {
        // quickstart trains: in a build without the train stage run exits 4, and so must check.
        Pipeline noTrain = Pipeline.standard().without("train");
        InProcessCli.Result check = InProcessCli.coverlab(noTrain, cwd, "spec", "check", quickstart());
        InProcessCli.Result run = InProcessCli.coverlab(noTrain, cwd, "run", quickstart());
        assertEquals(4, check.code(), check.all());
        assertEquals(run.code(), check.code(), run.all());
        assertEquals(run.err(), check.err());
        assertEquals("", check.out());
        assertTrue(check.err().contains("stage 'train' is not available in this build"), check.all());
        // --stages narrows the plan as it does for run.
        InProcessCli.Result demo = coverlab(cwd, "spec", "check", quickstart(), "--stages", "test");
        assertEquals(0, demo.code(), demo.all());
        assertFalse(Files.exists(cwd.resolve("runs")), "check creates nothing");
    }

    @Test
    void aBrokenSpecListsEveryProblemWithFileLineAndKey() throws IOException {
        Files.writeString(cwd.resolve("broken.yaml"), """
                name: broken
                train:
                  epochs: -1
                  learning_rate: fast
                """);
        InProcessCli.Result r = coverlab(cwd, "spec", "check", "broken.yaml");
        assertEquals(2, r.code(), r.all());
        assertEquals("", r.out());
        String file = cwd.resolve("broken.yaml").toString();
        assertTrue(r.err().contains(file + ": 2 problems:"), r.all());
        assertTrue(r.err().contains("  " + file + ":3: train.epochs: "), r.all());
        assertTrue(r.err().contains("  " + file + ":4: train.learning_rate: "), r.all());
        InProcessCli.Result badSet = coverlab(cwd, "spec", "check", quickstart(), "--set", "train.epochs=zero");
        assertEquals(2, badSet.code(), badSet.all());
        assertTrue(badSet.err().contains("--set train.epochs: "), badSet.all());
        InProcessCli.Result missing = coverlab(cwd, "spec", "show", "missing.yaml");
        assertEquals(2, missing.code(), missing.all());
        assertTrue(missing.err().contains("missing.yaml"), missing.all());
    }

    @Test
    void showPrintsTheResolvedCanonicalYamlThatLoadsBackToTheSameSpec() throws Exception {
        InProcessCli.Result r = coverlab(cwd, "spec", "show", quickstart(), "--set", "sample.steps=7");
        assertEquals(0, r.code(), r.all());
        ExperimentSpec expected = SpecLoader.load(Path.of(quickstart()), java.util.List.of("sample.steps=7"));
        assertEquals(SpecWriter.toYaml(expected), r.out());
        assertTrue(r.out().contains("steps: 7"), r.out());
    }

    @Test
    void theHarnessDemoWithoutStagesTestSaysToAddIt() {
        String demo = Repository.root().resolve("experiments/harness-demo.yaml").toString();
        InProcessCli.Result r = coverlab(cwd, "spec", "check", demo);
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("add '--stages test'"), r.all());
        assertEquals(0, coverlab(cwd, "spec", "check", demo, "--stages", "test").code());
    }
}
