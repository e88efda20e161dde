package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.coverlab.stages.Pipeline;
import org.coverlab.testsupport.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverlab study run} refusing bad input: every problem listed, exit 2 (4 for what the build lacks), nothing created. */
class StudyCommandTest {

    @TempDir
    Path cwd;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int coverlab(String... args) {
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), cwd, false, Pipeline.standard(),
                RemoteTrackers.NONE, Clock.systemUTC(), false);
        return CoverlabCommand.execute(ctx, args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path study(String yaml) throws Exception {
        Files.copy(Repository.root().resolve("experiments/harness-demo.yaml"), cwd.resolve("demo.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return Files.writeString(cwd.resolve("study.yaml"), yaml);
    }

    private void assertNothingCreated() {
        assertFalse(Files.exists(cwd.resolve("runs")), "no runs folder: " + err());
        assertFalse(Files.exists(cwd.resolve("studies")), "no studies folder: " + err());
    }

    @Test
    void studyFileProblemsAreListedWithFileLineAndKeyAndDidYouMean() throws Exception {
        study("""
                name: s
                specs: [demo.yaml, missing.yaml]
                stages: [test]
                sweep:
                  seeds: [1, 2]
                  grd: {}
                  grid:
                    train.learning_rat: [1e-5, 2e-5]
                    train.epochs: 3
                exectuor:
                  kind: local
                """);

        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "run", "study.yaml"));

        String e = err();
        assertTrue(e.contains("study.yaml:2: specs[1]: spec file " + cwd.resolve("missing.yaml") + " does not exist"), e);
        assertTrue(e.contains("study.yaml:6: sweep.grd: unknown key 'grd'; did you mean 'grid'?"), e);
        assertTrue(e.contains("study.yaml:8: sweep.grid.train.learning_rat: 'train.learning_rat' is not a spec key: unknown key"
                + " 'learning_rat'; did you mean 'learning_rate'?"), e);
        assertTrue(e.contains("study.yaml:9: sweep.grid.train.epochs: expected a non-empty list of values, got '3' (write [3] for one value)"), e);
        assertTrue(e.contains("study.yaml:10: exectuor: unknown key 'exectuor'; did you mean 'executor'?"), e);
        assertNothingCreated();
    }

    @Test
    void anUnknownExecutorIsRefusedOnTheCommandLineAndInTheFile() throws Exception {
        study("name: s\nspecs: [demo.yaml]\nstages: [test]\nexecutor:\n  kind: pbs\n");

        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "run", "study.yaml"));
        assertTrue(err().contains("study.yaml:5: executor.kind: unknown value 'pbs'; expected one of: local, slurm"), err());

        err.reset();
        study("name: s\nspecs: [demo.yaml]\nstages: [test]\n");
        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "run", "study.yaml", "--executor", "pbs"));
        assertTrue(err().contains("unknown executor 'pbs'; expected local or slurm"), err());
        assertNothingCreated();
    }

    @Test
    void aSweepOfMoreThanTwentyRunsAsksForYes() throws Exception {
        study("name: s\nspecs: [demo.yaml]\nstages: [test]\nsweep:\n  seeds: [1, 2, 3, 4, 5, 6, 7]\n  grid:\n"
                + "    train.learning_rate: [1e-5, 2e-5, 3e-5]\n");

        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "run", "study.yaml"));

        assertTrue(err().contains("expands to 21 runs (1 spec(s) x 21 sweep point(s)), more than 20; run it again with --yes"), err());
        assertNothingCreated();
    }

    @Test
    void aMemberSpecThatFailsValidationRefusesTheWholeStudy() throws Exception {
        study("name: s\nspecs: [demo.yaml]\nstages: [test]\nsweep:\n  grid:\n    seed: [1, -3]\n");

        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "run", "study.yaml"));

        String e = err();
        assertTrue(e.contains("1 problem in its members; the whole study is refused and nothing was created"), e);
        assertTrue(e.contains("study.yaml:2: member 1 (demo.yaml --set seed=-3): --set seed: must be at least 0, got -3"), e);
        assertFalse(e.contains("member 0"), e);
        assertNothingCreated();
    }

    @Test
    void aStudyWideSetOnAKeyThatDoesNotExistIsNamed() throws Exception {
        study("name: s\nspecs: [demo.yaml]\nstages: [test]\nset: [train.epoch=2]\n");

        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "run", "study.yaml"));

        assertTrue(err().contains("study.yaml:4: set[0]: 'train.epoch' is not a spec key: unknown key 'epoch'; did you mean 'epochs'?"), err());
        assertNothingCreated();
    }

    @Test
    void statusOfAnUnknownStudyIsBadInput() {
        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "status", "zzzzzzzz"));
        assertTrue(err().contains("no study 'zzzzzzzz' in " + cwd.resolve("studies")), err());
        assertEquals(ExitCodes.BAD_INPUT, coverlab("study", "resume", "NOT-AN-ID"));
        assertTrue(err().contains("'NOT-AN-ID' is not a study id"), err());
    }
}
