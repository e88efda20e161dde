package org.coverlab.study.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.coverlab.cli.CliContext;
import org.coverlab.cli.CoverlabCommand;
import org.coverlab.cli.RemoteTrackers;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunDir;
import com.fasterxml.jackson.databind.JsonNode;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunSettings;
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
 * A study of three harness-demo members submitted to a real Slurm cluster ({@code scripts/slurm-local start}; skipped
 * without one, failed under CI=true). While they run, one task is requeued with {@code scontrol requeue} and another
 * gets the time-limit warning ({@code scancel --batch --signal=USR1}), which makes its run checkpoint and the task
 * requeue itself. Both come back (the test lifts Slurm's fixed two-minute hold on requeued jobs) and resume; in the
 * end every member is finished with every step journaled exactly once, and {@code study status} shows the job states
 * squeue and sacct (here scontrol: the local cluster keeps no accounting) show.
 */
class SlurmStudyIntegrationTest {

    private static final int STEPS = 300;
    private static final long WAIT_MILLIS = 150_000;

    @TempDir
    Path dir;

    private final SlurmCommands slurm = new SlurmCommands(System.getenv());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void threeDemoMembersFinishOnSlurmWithARequeuedAndAPreemptedMemberResumed() throws Exception {
        requireCluster();
        Files.writeString(dir.resolve("demo.yaml"), """
                name: slurm-demo
                seed: 1
                train:
                  checkpoint_every: 25
                sample:
                  every: never
                eval:
                  metrics: []
                """);
        Path studyFile = Files.writeString(dir.resolve("study.yaml"), """
                name: slurm-it
                specs: [demo.yaml]
                stages: [test]
                sweep:
                  seeds: [1, 2, 3]
                executor:
                  kind: slurm
                  slurm:
                    time: "00:10:00"
                """);
        Submitted submitted = submit(Map.of(), studyFile, List.of());
        StudyDir study = submitted.study();
        StudyRecord record = submitted.record();
        assertEquals(3, record.members().size());
        List<RunDir> members = submitted.members();
        Map<String, String> tasks = submitted.tasks();

        // Member 0: requeued by hand in the middle; its run gets Slurm's SIGTERM and records the stop.
        String task0 = tasks.get(members.get(0).id());
        await("member 0 past step 60", () -> steps(members.get(0)) > 60);
        assertTrue(slurm.run("scontrol", List.of("requeue", task0)).ok());
        // Member 1: the warning before the time limit; its run checkpoints, exits 138, and the task requeues itself.
        String task1 = tasks.get(members.get(1).id());
        await("member 1 past step 60", () -> steps(members.get(1)) > 60);
        SlurmCommands.Result usr1 = slurm.run("scancel", List.of("--batch", "--signal=USR1", task1));
        assertTrue(usr1.ok(), usr1.err());

        for (String task : List.of(task0, task1)) {
            // Requeued, the task waits out Slurm's requeue delay: a steady PENDING that study status must show too.
            await(task + " pending after its requeue", () -> "PENDING".equals(squeue().get(task)));
            Map<String, String> shown = statusTable();
            assertEquals("PENDING", shown.get(task), "study status of " + task + ": " + shown + "\n" + output());
            liftRequeueHold(task);
        }

        await("all members finished and out of squeue", () -> members.stream().allMatch(m -> status(m) == RunStatus.FINISHED)
                && squeue().keySet().stream().noneMatch(tasks::containsValue));

        Map<String, String> slurmSays = SlurmExecutor.states(slurm, tasks);
        Map<String, String> shown = statusTable();
        for (StudyMember m : record.members()) {
            String task = tasks.get(m.runId());
            assertEquals("COMPLETED", slurmSays.get(task), task + ": " + slurmSays);
            assertEquals(slurmSays.get(task), shown.get(task), "study status shows Slurm's state of " + task);
        }

        for (RunDir run : members) {
            assertEveryStepOnce(run);
        }
        assertTrue(resumed(members.get(0)) && resumed(members.get(1)), "members 0 and 1 ran again from a checkpoint");
        assertTrue(Files.readString(members.get(0).log()).contains("SIGTERM"), "member 0 recorded its stop");
        assertTrue(Files.readString(members.get(1).log()).contains("SIGUSR1"), "member 1 recorded its stop");
        String slurmOut1 = Files.readString(SlurmBatchScript.outputOf(study.path().resolve("executor/slurm"),
                task1.substring(0, task1.indexOf('_')), 1));
        assertTrue(slurmOut1.contains("SIGUSR1: the time limit is near") && slurmOut1.contains("requeueing job"), slurmOut1);
    }

    /**
     * A member that really trains (the tiny model's seeded initialisation, six updates of gradient accumulation 2) gets
     * the time-limit warning inside update 3's accumulation window (held there by COVERLAB_TEST_HOLD_AT_STEP, which
     * sbatch passes on): it finishes that update, checkpoints it, exits 138, requeues itself and resumes from that
     * checkpoint on Slurm, journaling every update exactly once.
     */
    @Test
    void aTrainingMemberWarnedOfItsTimeLimitCheckpointsRequeuesAndResumesOnSlurm() throws Exception {
        requireCluster();
        Files.writeString(dir.resolve("train.yaml"), """
                name: slurm-train
                seed: 5
                model:
                  base: tiny
                dataset:
                  source: synthetic
                  path: %s
                  images: 6
                  resolution: {width: 32, height: 32}
                train:
                  components: [unet]
                  epochs: 2
                  batch_size: 1
                  gradient_accumulation: 2
                  learning_rate: 1e-3
                  checkpoint_every: 1
                sample:
                  every: never
                eval:
                  metrics: []
                """.formatted(dir.resolve("covers")));
        Path studyFile = Files.writeString(dir.resolve("study.yaml"), """
                name: slurm-train-it
                specs: [train.yaml]
                stages: [prepare_data, train]
                executor:
                  kind: slurm
                  slurm:
                    time: "00:10:00"
                """);
        Submitted submitted = submit(Map.of("COVERLAB_TINY_MODEL", "init", RunSettings.TEST_HOLD_ENV, "train:3"),
                studyFile, List.of());
        RunDir run = submitted.members().get(0);
        String task = submitted.tasks().get(run.id());

        await("the member holding inside update 3's window", () -> logSays(run, "holding at train:3"));
        SlurmCommands.Result usr1 = slurm.run("scancel", List.of("--batch", "--signal=USR1", task));
        assertTrue(usr1.ok(), usr1.err());
        await(task + " pending after its requeue", () -> "PENDING".equals(squeue().get(task)));
        liftRequeueHold(task);
        await("the member finished and out of squeue", () -> status(run) == RunStatus.FINISHED
                && !squeue().containsKey(task));

        assertEquals("COMPLETED", SlurmExecutor.states(slurm, Map.of(run.id(), task)).get(task));
        List<RunEvent> events = Journal.read(run.journal()).stream().map(JournalRecord::event).toList();
        List<Long> updates = events.stream().filter(e -> e instanceof RunEvent.Metrics m && m.values().containsKey("loss"))
                .map(e -> ((RunEvent.Metrics) e).step()).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), updates, "every update journaled exactly once, in order");
        int resumedAt = indexOf(events, e -> e instanceof RunEvent.Started st && st.resumed());
        assertTrue(resumedAt > 0, "the member ran again");
        assertEquals(3, events.subList(0, resumedAt).stream().filter(e -> e instanceof RunEvent.Metrics m
                && m.values().containsKey("loss")).count(), "the first attempt finished update 3, the warned one");
        assertTrue(events.subList(0, resumedAt).stream().anyMatch(e -> e instanceof RunEvent.Artifact a
                && a.kind().equals("checkpoint") && a.step() == 3), "update 3 was checkpointed before the stop: " + events);
        assertTrue(logSays(run, "SIGUSR1"), "the stop is recorded in the run's log");
    }

    /**
     * The original's study itself on Slurm: {@code experiments/study.yaml} and its five specs, copied with only the
     * executor's resources fitted to this two-CPU node, submitted with {@code --set} overrides that shrink every member
     * (32 covers at 32x48, one-prompt grids, four evaluation images, the tiny model's seeded initialisation) but keep
     * each spec's own training (components, epochs, learning rate, 8-bit AdamW). Every training member holds inside
     * update 2's window (accumulation 2 here); te-2ep-500 is then warned of its time limit and requeues itself, the others are released.
     * All five finish with cover-feature scores, te-2ep-500 resumed from its checkpoint, and Slurm says COMPLETED.
     */
    @Test
    void theOriginalFiveSpecStudyFinishesOnSlurmWithAWarnedMemberRequeuedAndResumed() throws Exception {
        requireCluster();
        Path experiments = Repository.experiments();
        Path copy = Files.createDirectories(dir.resolve("experiments"));
        Files.createDirectories(copy.resolve("base"));
        Files.copy(experiments.resolve("base/study.yaml"), copy.resolve("base/study.yaml"));
        String study = Files.readString(experiments.resolve("study.yaml"));
        for (String line : study.lines().toList()) {
            String t = line.strip();
            if (t.startsWith("- ") && t.endsWith(".yaml")) {
                String spec = t.substring(2).strip();
                Files.copy(experiments.resolve(spec), copy.resolve(spec));
            }
        }
        // the resources of a real cluster's node do not exist on this one; the members stay the same
        String fitted = study.replaceAll("cpus_per_task: \\d+", "cpus_per_task: 1").replaceAll("mem: \\S+", "mem: 2G")
                .replaceAll("time: \"[0-9:]+\"", "time: \"00:20:00\"");
        assertTrue(!fitted.equals(study), "the study file's slurm block changed");
        Path studyFile = Files.writeString(copy.resolve("study.yaml"), fitted);
        List<String> args = new ArrayList<>(List.of("--executor", "slurm"));
        for (String set : List.of("dataset.path=" + dir.resolve("covers"), "dataset.synthetic_covers=40",
                "dataset.images=32", "dataset.resolution={width: 32, height: 48}", "train.gradient_accumulation=2",
                "sample.prompts=[A book cover of Moby-Dick by Herman Melville]", "sample.seeds=[42]", "sample.steps=2",
                "sample.every=end", "eval.images=4", "eval.steps=2", "eval.batch_size=4")) {
            args.add("--set");
            args.add(set);
        }
        Map<String, String> env = Map.of("COVERLAB_TINY_MODEL", "init", RunSettings.TEST_HOLD_ENV, "train:2");
        Submitted submitted = submit(env, studyFile, args);
        assertEquals(5, submitted.members().size(), submitted.members().toString());
        Map<String, String> tasks = submitted.tasks();
        Map<String, RunDir> bySpec = new java.util.LinkedHashMap<>();
        for (RunDir run : submitted.members()) {
            bySpec.put(specName(run), run);
        }
        assertEquals(List.of("sd15-original", "unet-8ep-3000", "te-2ep-500", "te-8ep-5000", "te-2ep-6000"),
                List.copyOf(bySpec.keySet()));
        RunDir warned = bySpec.get("te-2ep-500");
        String warnedTask = tasks.get(warned.id());

        // Two tasks run at once on two CPUs: act on each training member as it reaches its hold.
        java.util.Set<String> handled = new java.util.HashSet<>();
        long deadline = System.currentTimeMillis() + 2 * WAIT_MILLIS;
        while (handled.size() < 4) {
            for (RunDir run : bySpec.values()) {
                if (handled.contains(run.id()) || !logSays(run, "holding at train:2")) {
                    continue;
                }
                if (run.id().equals(warned.id())) {
                    warn(warned, warnedTask);
                    await(warnedTask + " pending after its requeue", () -> "PENDING".equals(squeue().get(warnedTask)));
                    liftRequeueHold(warnedTask);
                } else {
                    Files.createFile(run.path().resolve(RunSettings.TEST_RELEASE_FILE));
                }
                handled.add(run.id());
            }
            if (System.currentTimeMillis() > deadline) {
                fail("waited for the four training members to reach their hold; handled " + handled + "; squeue: "
                        + squeue() + "\n" + output() + jobOutputs());
            }
            Thread.sleep(200);
        }
        await("all five members finished and out of squeue", () -> bySpec.values().stream()
                .allMatch(r -> status(r) == RunStatus.FINISHED) && squeue().keySet().stream().noneMatch(tasks::containsValue));

        Map<String, String> slurmSays = SlurmExecutor.states(slurm, tasks);
        for (RunDir run : bySpec.values()) {
            assertEquals("COMPLETED", slurmSays.get(tasks.get(run.id())), run.id() + ": " + slurmSays);
            JsonNode eval = RunJson.mapper().readTree(lastEvaluation(run).toFile());
            assertTrue(eval.get("metrics").has("fid_cover") && eval.get("metrics").has("kid_cover"),
                    run.id() + " scored: " + eval);
        }
        assertTrue(resumed(warned), "te-2ep-500 ran again from its checkpoint");
        assertTrue(logSays(warned, "SIGUSR1"), "te-2ep-500 recorded the warning");
        List<Long> updates = Journal.read(warned.journal()).stream().map(JournalRecord::event)
                .filter(e -> e instanceof RunEvent.Metrics m && m.values().containsKey("loss"))
                .map(e -> ((RunEvent.Metrics) e).step()).toList();
        assertEquals(java.util.stream.LongStream.rangeClosed(1, updates.size()).boxed().toList(), updates,
                "te-2ep-500: every update once, in order");
        assertEquals(4, updates.size(), "te-2ep-500: 2 epochs of 32 covers at batch 8 x accumulation 2");
        for (String spec : List.of("sd15-original", "unet-8ep-3000", "te-8ep-5000", "te-2ep-6000")) {
            assertTrue(!resumed(bySpec.get(spec)), spec + " ran once");
        }
    }

    /**
     * The time-limit warning to one held task. For a task of an array that started after the array's first tasks,
     * slurmctld delivers the signal but answers "Job can not be altered now, try again later", and scancel then retries
     * on its own for a minute or more; so scancel runs in the background and the run's log says when the signal
     * arrived (seen with Slurm 22/23 on the local cluster).
     */
    private void warn(RunDir run, String task) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("scancel", "--batch", "--signal=USR1", task).redirectErrorStream(true)
                .redirectOutput(dir.resolve("scancel-" + task + ".log").toFile());
        Process scancel = pb.start();
        try {
            await("the USR1 reaching " + task + " (scancel: " + dir.resolve("scancel-" + task + ".log") + ")",
                    () -> logSays(run, "released at train:2 by a stop asking for a checkpoint"));
        } finally {
            scancel.destroy();
            scancel.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static String specName(RunDir run) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(run.path().resolve("spec.yaml").toFile()).path("name").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path lastEvaluation(RunDir run) throws IOException {
        try (Stream<Path> points = Files.list(run.eval())) {
            return points.map(p -> p.resolve("evaluation.json")).filter(Files::isRegularFile).sorted()
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(run.id() + " has no evaluation"));
        }
    }

    private static int indexOf(List<RunEvent> events, java.util.function.Predicate<RunEvent> p) {
        for (int i = 0; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean logSays(RunDir run, String text) {
        try {
            return Files.exists(run.log()) && Files.readString(run.log()).contains(text);
        } catch (IOException e) {
            return false; // read while the run writes; the next poll sees it
        }
    }

    /**
     * Lifts the two-minute hold Slurm puts on a requeued job, to keep the test short, but not within the second its
     * old credential was revoked: slurmd refuses a launch whose credential is not newer than the revocation (whole
     * seconds), and the task then fails with "Job credential revoked" instead of running again.
     */
    private void liftRequeueHold(String task) throws Exception {
        long pendingSince = System.currentTimeMillis() / 1000;
        while (System.currentTimeMillis() / 1000 < pendingSince + 2) {
            Thread.sleep(50);
        }
        SlurmCommands.Result r = slurm.run("scontrol", List.of("update", "JobId=" + task, "StartTime=now"));
        assertTrue(r.ok(), r.err());
    }

    /** One {@code study run} as this test reads it back: the study, its record, the member runs in study order, and
     * each member's Slurm task (run id to {@code <array>_<index>}). */
    private record Submitted(StudyDir study, StudyRecord record, List<RunDir> members, Map<String, String> tasks) {
    }

    /** {@code coverlab study run STUDY_FILE ARGS...} into this test's runs and studies folders; exit 0 asserted. */
    private Submitted submit(Map<String, String> env, Path studyFile, List<String> args) throws Exception {
        Path runs = dir.resolve("runs");
        Path studies = dir.resolve("studies");
        List<String> all = new ArrayList<>(List.of("study", "run", studyFile.toString(), "--runs-dir", runs.toString(),
                "--studies-dir", studies.toString()));
        all.addAll(args);
        assertEquals(0, coverlab(env, all.toArray(String[]::new)), output());
        StudyDir study = onlyStudy(studies);
        StudyRecord record = study.read();
        List<RunDir> members = record.members().stream().map(m -> new RunDir(m.runId(), runs.resolve(m.runId())))
                .toList();
        Map<String, String> tasks = SlurmExecutor.latestTasks(SlurmExecutor.submissions(study.path()
                .resolve("executor").resolve(SlurmExecutor.FOLDER)), record.members());
        return new Submitted(study, record, members, tasks);
    }

    /** Whatever this test submitted and is still queued or running (a failed assertion) is cancelled. */
    @AfterEach
    void cancelLeftovers() throws Exception {
        Path studies = dir.resolve("studies");
        if (!Files.isDirectory(studies)) {
            return;
        }
        List<String> jobs = SlurmExecutor.submissions(onlyStudy(studies).path().resolve("executor")
                .resolve(SlurmExecutor.FOLDER)).stream().map(SlurmExecutor.Submission::arrayJobId).toList();
        if (!jobs.isEmpty()) {
            slurm.run("scancel", jobs);
        }
    }

    private void requireCluster() throws Exception {
        String why;
        if (System.getenv("SLURM_CONF") == null) {
            why = "no Slurm cluster: SLURM_CONF is not set (scripts/slurm-local start, then eval \"$(scripts/slurm-local env)\")";
        } else if (!SlurmCommands.onPath("sinfo", System.getenv()).isPresent() || !slurm.run("sinfo", List.of("-h")).ok()) {
            why = "no Slurm cluster answers sinfo with SLURM_CONF=" + System.getenv("SLURM_CONF")
                    + " (scripts/slurm-local status)";
        } else {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + ", but CI=true: .ci/run starts the cluster and the Slurm test must run there");
        }
        assumeTrue(false, why);
    }

    private int coverlab(String... args) {
        return coverlab(Map.of(), args);
    }

    private int coverlab(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove(RunSettings.TEST_HOLD_ENV);
        env.remove("COVERLAB_TINY_MODEL");
        // the members' pace: sbatch passes this environment on to the tasks
        env.put("COVERLAB_TEST_STEPS", Integer.toString(STEPS));
        env.put("COVERLAB_TEST_STEP_MILLIS", "30");
        env.remove("COVERLAB_RUNS_DIR");
        env.remove("COVERLAB_STUDIES_DIR");
        env.putAll(extraEnv);
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, dir, false, Pipeline.standard(),
                RemoteTrackers.NONE, Clock.systemUTC(), false);
        return CoverlabCommand.execute(ctx, args);
    }

    /** study status's JOB -> JOB STATE, read from the summary.csv it writes. */
    private Map<String, String> statusTable() throws Exception {
        Path studies = dir.resolve("studies");
        StudyDir study = onlyStudy(studies);
        assertEquals(0, coverlab("study", "status", study.id(), "--runs-dir", dir.resolve("runs").toString(),
                "--studies-dir", studies.toString()), output());
        List<String> lines = Files.readAllLines(study.summaryCsv());
        List<String> header = csv(lines.get(0));
        int job = header.indexOf("job_id");
        int state = header.indexOf("job_state");
        assertTrue(job >= 0 && state >= 0, "summary.csv columns: " + header);
        Map<String, String> shown = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csv(line);
            shown.put(f.get(job), f.get(state));
        }
        return shown;
    }

    /** Fields of one CSV line (quoted fields may hold commas and doubled quotes). */
    private static List<String> csv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                f.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        fields.add(f.toString());
        return fields;
    }

    private Map<String, String> squeue() {
        try {
            SlurmCommands.Result r = slurm.run("squeue", List.of("-h", "-r", "-o", SlurmTasks.SQUEUE_FORMAT));
            assertTrue(r.ok(), r.err());
            return SlurmTasks.parseSqueue(r.out());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertEveryStepOnce(RunDir run) throws IOException {
        List<Long> steps = Journal.read(run.journal()).stream().map(JournalRecord::event)
                .filter(RunEvent.Metrics.class::isInstance).map(e -> ((RunEvent.Metrics) e).step()).toList();
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, STEPS).boxed().toList();
        assertEquals(expected, steps, "run " + run.id() + ": every step journaled exactly once, in order");
    }

    private static boolean resumed(RunDir run) throws IOException {
        return Journal.read(run.journal()).stream()
                .anyMatch(r -> r.event() instanceof RunEvent.Started s && s.resumed());
    }

    private static long steps(RunDir run) {
        try {
            if (!Files.exists(run.journal())) {
                return 0;
            }
            return Journal.read(run.journal()).stream().filter(r -> r.event() instanceof RunEvent.Metrics).count();
        } catch (IOException e) {
            return 0; // read while the run writes; the next poll sees it
        }
    }

    private static RunStatus status(RunDir run) {
        try {
            RunState s = run.readState();
            return s == null ? null : s.status();
        } catch (IOException e) {
            return null;
        }
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("waited " + WAIT_MILLIS / 1000 + " s for " + what + "; squeue: " + squeue() + "\n" + output()
                        + jobOutputs());
            }
            Thread.sleep(200);
        }
    }

    private static StudyDir onlyStudy(Path studies) throws IOException {
        try (Stream<Path> found = Files.list(studies)) {
            Path p = found.filter(Files::isDirectory).findFirst().orElseThrow();
            return new StudyDir(p.getFileName().toString(), p);
        }
    }

    /** The tail of every Slurm task's output file: the temp folder is gone once the test has failed. */
    private String jobOutputs() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir.resolve("studies"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("slurm-")
                    && p.getFileName().toString().endsWith(".out")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                b.append("\n--- ").append(f.getFileName()).append(" (last 30 lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
        } catch (IOException | UncheckedIOException e) {
            b.append("\n(job output unreadable: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
