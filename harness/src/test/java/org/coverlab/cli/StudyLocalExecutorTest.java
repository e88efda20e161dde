package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.coverlab.run.CoverlabProcess;
import org.coverlab.run.JournalEntry;
import org.coverlab.run.JournalFileReader;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunState;
import org.coverlab.run.RunStatus;
import org.coverlab.stages.Pipeline;
import org.coverlab.study.StudyDir;
import org.coverlab.study.StudyMember;
import org.coverlab.study.StudyRecord;
import org.coverlab.testsupport.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local executor for real: {@code coverlab study run} in a child JVM starts two harness-demo members as their own
 * processes; a Ctrl-C (SIGINT to the study process) or a {@code study cancel} from another shell stops both cleanly
 * (each records itself killed), {@code study resume} finishes them with every step journaled exactly once, and
 * {@code study status}, {@code runs list} and run.json know the members.
 */
class StudyLocalExecutorTest {

    private static final int STEPS = 60;

    @TempDir
    Path cwd;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
    }

    /** In-process, with this process's environment (members inherit it: PATH, HOME). */
    private int coverlab(String... args) {
        out.reset();
        err.reset();
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env(), cwd, false, Pipeline.standard(),
                RemoteTrackers.NONE, Clock.systemUTC(), false);
        return CoverlabCommand.execute(ctx, args);
    }

    /**
     * This process's environment with the demo's pace: a member stopped before its first checkpoint has not fixed
     * its step count yet, so a resume must ask for the same one.
     */
    private static java.util.Map<String, String> env() {
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("COVERLAB_TEST_STEPS", Integer.toString(STEPS));
        env.put("COVERLAB_TEST_STEP_MILLIS", "20");
        return env;
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** Starts 'study run' of two demo members (seeds 1 and 2) in a child JVM and waits until both are past step 5. */
    private Process startStudy() throws Exception {
        Files.copy(Repository.root().resolve("experiments/harness-demo.yaml"), cwd.resolve("demo.yaml"));
        Files.writeString(cwd.resolve("study.yaml"), "name: demo-pair\nspecs: [demo.yaml]\nstages: [test]\n"
                + "sweep:\n  seeds: [1, 2]\nexecutor:\n  parallel: 2\n");
        // the study's JVM options (the demo's pace) are the members' too: they run the same java command
        Process p = CoverlabProcess.start(cwd, cwd.resolve("study.out"), "org.coverlab.cli.Main",
                List.of("-Dcoverlab.test.stepMillis=200", "-Dcoverlab.test.steps=" + STEPS), "study", "run", "study.yaml");
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            StudyDir dir = study();
            if (dir != null && Files.exists(dir.record())) {
                StudyRecord record = dir.read();
                if (record.members().stream().allMatch(m -> stepOf(m) >= 5)) {
                    return p;
                }
            }
            assertTrue(p.isAlive(), "study ended early: " + Files.readString(cwd.resolve("study.out")));
            Thread.sleep(200);
        }
        throw new AssertionError("members did not reach step 5: " + Files.readString(cwd.resolve("study.out")));
    }

    private StudyDir study() throws Exception {
        Path root = cwd.resolve("studies");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).findFirst().map(p -> new StudyDir(p.getFileName().toString(), p)).orElse(null);
        }
    }

    private RunDir run(StudyMember m) {
        return new RunDir(m.runId(), cwd.resolve("runs").resolve(m.runId()));
    }

    private long stepOf(StudyMember m) {
        try {
            List<JournalEntry> entries = new JournalFileReader(run(m).journal()).readAfter(0, 100_000);
            return entries.stream().filter(e -> e.event() instanceof RunEvent.Metrics).count();
        } catch (Exception e) {
            return 0;
        }
    }

    private void assertStoppedCleanly(StudyRecord record) throws Exception {
        for (StudyMember m : record.members()) {
            RunState state = run(m).readState();
            assertEquals(RunStatus.KILLED, state.status(), m.runId() + " recorded its stop");
            assertFalse(RunLock.isHeld(run(m).lockFile()));
            assertTrue(stepOf(m) < STEPS, "stopped before the end");
        }
    }

    private void resumeAndCheckEveryStepOnce(StudyDir dir, StudyRecord record) throws Exception {
        assertEquals(ExitCodes.OK, coverlab("study", "resume", dir.id()), printed());
        assertTrue(printed().contains("resubmitting 2 member(s)"), printed());
        for (StudyMember m : record.members()) {
            assertEquals(RunStatus.FINISHED, run(m).readState().status(), printed());
            List<Long> steps = new JournalFileReader(run(m).journal()).readAfter(0, 100_000).stream()
                    .filter(e -> e.event() instanceof RunEvent.Metrics).map(e -> ((RunEvent.Metrics) e.event()).step()).toList();
            assertEquals(STEPS, steps.size(), "every step once in " + m.runId());
            assertEquals(STEPS, steps.stream().distinct().count());
        }
        assertEquals(ExitCodes.OK, coverlab("study", "status", dir.id()));
        assertTrue(printed().contains("2 finished"), printed());
        assertEquals(ExitCodes.OK, coverlab("study", "resume", dir.id()));
        assertTrue(printed().contains("nothing to resume (2 finished)"), printed());
    }

    @Test
    void ctrlCStopsEveryMemberCleanlyAndResumeFinishesThemWithEveryStepOnce() throws Exception {
        Process p = startStudy();
        StudyDir dir = study();
        StudyRecord record = dir.read();
        assertEquals(List.of("seed=1", "seed=2"), record.members().stream().map(m -> String.join(" ", m.overrides())).toList());
        assertEquals(ExitCodes.OK, coverlab("study", "status", dir.id()));
        assertTrue(printed().contains("2 running"), printed());
        assertTrue(printed().contains("pid "), "the local scheduler column names the member's process: " + printed());

        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();

        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "study process ends after Ctrl-C");
        String console = Files.readString(cwd.resolve("study.out"));
        assertEquals(130, p.exitValue(), console);
        assertTrue(console.contains("continue with: coverlab study resume " + dir.id()), console);
        assertStoppedCleanly(record);

        // every member is an ordinary run
        assertEquals(ExitCodes.OK, coverlab("runs", "list"));
        for (StudyMember m : record.members()) {
            assertTrue(printed().contains(m.runId() + "  harness-demo  killed "), printed());
            JsonNode info = RunJson.mapper().readTree(run(m).runInfo().toFile());
            assertEquals(dir.id(), info.get("study").get("id").asText());
            assertEquals("demo-pair", info.get("study").get("name").asText());
        }
        resumeAndCheckEveryStepOnce(dir, record);
    }

    @Test
    void studyCancelFromAnotherShellStopsTheMembersAndTheStudyProcess() throws Exception {
        Process p = startStudy();
        StudyDir dir = study();

        assertEquals(ExitCodes.OK, coverlab("study", "cancel", dir.id()), printed());

        assertTrue(printed().contains("the study process stopped its members; each recorded itself killed"), printed());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "study process ends after the cancel");
        assertEquals(143, p.exitValue(), Files.readString(cwd.resolve("study.out")));
        assertTrue(Files.exists(dir.cancelMarker()));
        assertStoppedCleanly(dir.read());
        assertEquals(ExitCodes.OK, coverlab("study", "status", dir.id()));
        assertTrue(printed().contains("2 killed; cancelled"), printed());
    }

    @Test
    void membersStartingTogetherGenerateTheSyntheticSetOnceAndReadTheSameBytes() throws Exception {
        Files.writeString(cwd.resolve("data.yaml"), """
                name: data-member
                dataset: {source: synthetic, path: covers, images: 40}
                train: {epochs: 0}
                sample: {every: end}
                eval: {metrics: []}
                """);
        // prepare_data alone: it applies because the synthetic set backs the spec's sampling, which is not run here
        Files.writeString(cwd.resolve("study.yaml"), "name: shared-data\nspecs: [data.yaml]\nstages: [prepare_data]\n"
                + "sweep:\n  seeds: [1, 2]\nexecutor:\n  parallel: 2\n");

        assertEquals(ExitCodes.OK, coverlab("study", "run", "study.yaml"), printed());

        StudyRecord record = study().read();
        List<String> generatedBy = new ArrayList<>();
        List<String> csvHashes = new ArrayList<>();
        for (StudyMember m : record.members()) {
            if (Files.readString(run(m).log()).contains("generating the synthetic cover set into")) {
                generatedBy.add(m.runId());
            }
            csvHashes.add(RunJson.mapper().readTree(run(m).path().resolve("data/dataset.json").toFile()).get("csvSha256").asText());
        }
        assertEquals(1, generatedBy.size(), "one member generated the set: " + generatedBy);
        assertEquals(1, csvHashes.stream().distinct().count(), "both read the same CSV bytes: " + csvHashes);
        try (Stream<Path> siblings = Files.list(cwd)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains(".partial-")).toList());
        }
    }
}
