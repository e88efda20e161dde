package org.coverlab.stages.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.coverlab.run.CoverlabProcess;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.Journal;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunState;
import org.coverlab.run.RunStatus;
import org.coverlab.stages.ModelSource;
import org.coverlab.stages.StageRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C and SIGTERM in the middle of a grid, in a child JVM: each stop is recorded (status killed, a Finished event
 * with the exit code), the process exits 130 or 143 without a stack trace, and the grid finished by a last resume is
 * byte-identical to one drawn without interruption.
 */
class StopSignalEndToEndTest {

    private static final int PROMPTS = 4;

    @TempDir
    Path dir;

    @Test
    void sigintAndSigtermMidGridAreRecordedAsKilledAndTheResumedGridIsByteIdentical() throws Exception {
        Path spec = dir.resolve("grid.yaml");
        Files.writeString(spec, StageRuns.gridYaml("synth", PROMPTS));
        Path pause = Files.createDirectories(dir.resolve("pause"));
        Path runs = dir.resolve("runs");

        // An uninterrupted reference grid (its rows never wait).
        for (int row = 1; row <= PROMPTS; row++) {
            Files.writeString(pause.resolve("go-" + row), "");
        }
        Process reference = child(pause, "run", spec.toString(), "--runs-dir", dir.resolve("reference").toString());
        assertEquals(0, finish(reference), output());
        Path referenceGrid = onlyRun(dir.resolve("reference")).samples().resolve("base/grid.png");
        clear(pause);

        // Ctrl-C after the first row: the stage stops before the second row.
        Process first = child(pause, "run", spec.toString(), "--runs-dir", runs.toString());
        awaitFile(pause.resolve("row-1"), first);
        new ProcessBuilder("kill", "-INT", Long.toString(first.pid())).inheritIO().start().waitFor();
        // The JVM runs a signal's handler on a thread of its own: released before that thread ran, a loaded machine
        // could draw the next row first. Release the row once the child has said it is stopping.
        awaitOutput("interrupted by SIGINT (Ctrl-C); stopping after the current step", first);
        Files.writeString(pause.resolve("go-1"), "");
        assertEquals(130, finish(first), output());
        RunDir run = onlyRun(runs);
        assertStopped(run, "SIGINT", 130, 1);

        // SIGTERM (what kill and job schedulers send) after the resumed run's next row.
        Process second = child(pause, "run", "--resume", run.id(), "--runs-dir", runs.toString());
        awaitFile(pause.resolve("row-2"), second);
        second.destroy(); // SIGTERM
        awaitOutput("stopped by SIGTERM; stopping after the current step", second);
        Files.writeString(pause.resolve("go-2"), "");
        assertEquals(143, finish(second), output());
        assertStopped(run, "SIGTERM", 143, 2);

        for (int row = 3; row <= PROMPTS; row++) {
            Files.writeString(pause.resolve("go-" + row), "");
        }
        Process last = child(pause, "run", "--resume", run.id(), "--runs-dir", runs.toString());
        assertEquals(0, finish(last), output());
        assertEquals(RunStatus.FINISHED, run.readState().status());
        assertArrayEquals(Files.readAllBytes(referenceGrid), Files.readAllBytes(run.samples().resolve("base/grid.png")),
                "stopped twice and resumed, the grid has the same bytes");
        String out = output();
        assertFalse(out.contains("\tat ") || out.contains("Exception"), "no stack trace on a stop:\n" + out);
        assertFalse(out.contains("\033"), "output that is no terminal has no escape codes:\n" + out);
        assertTrue(out.contains("interrupted by SIGINT (Ctrl-C); stopping after the current step"), out);
    }

    private void assertStopped(RunDir run, String signal, int exitCode, int rowsDone) throws Exception {
        RunState state = run.readState();
        assertEquals(RunStatus.KILLED, state.status(), output());
        assertTrue(state.error().contains(signal), state.error());
        assertEquals(rowsDone, state.step(), "stopped right after row " + rowsDone);
        List<JournalRecord> journal = Journal.read(run.journal());
        RunEvent last = journal.get(journal.size() - 1).event();
        assertEquals(new RunEvent.Finished(((RunEvent.Finished) last).timeMillis(), "killed", exitCode), last);
        assertFalse(Files.exists(run.samples().resolve("base").resolve(GridSampler.imageFile(rowsDone, 42))),
                "no image of the row after the stop");
    }

    private Process child(Path pause, String... args) throws Exception {
        return CoverlabProcess.start(dir, dir.resolve("output.txt"), PausingGridMain.class.getName(),
                List.of("-Dcoverlab.test.pauseDir=" + pause,
                        // a test of stopping, not of weights: the seeded random init, no pretrained base needed
                        "-D" + ModelSource.TINY_PROPERTY + "=" + ModelSource.TINY_INIT), args);
    }

    private static int finish(Process p) throws Exception {
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child did not end within 240 s");
        }
        return p.exitValue();
    }

    private static void awaitFile(Path file, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 240_000;
        while (!Files.exists(file)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new AssertionError("no " + file.getFileName() + " (child alive: " + p.isAlive() + ")");
            }
            Thread.sleep(20);
        }
    }

    private void awaitOutput(String text, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 240_000;
        while (!output().contains(text)) {
            if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                throw new AssertionError("the child did not say '" + text + "' (alive: " + p.isAlive() + "):\n" + output());
            }
            Thread.sleep(20);
        }
    }

    private static RunDir onlyRun(Path runs) throws Exception {
        try (Stream<Path> found = Files.list(runs)) {
            // The runs folder also holds the shared model cache (.cache/), which is not a run.
            Path path = found.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .findFirst().orElseThrow();
            return new RunDir(path.getFileName().toString(), path);
        }
    }

    private static void clear(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    private String output() throws Exception {
        Path out = dir.resolve("output.txt");
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }
}
