package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Checkpoints;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunSettings;
import org.coverlab.stages.test.TestStage;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.SpecValues;
import org.coverlab.run.RunEvent;
import org.coverlab.track.mlflow.MlflowTestServer;
import org.coverlab.track.wandb.FakeWandbServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The study's tracking end to end, through the real command line in child JVMs ({@code org.coverlab.cli.Main}, as a
 * user runs it): a committed study spec ({@code experiments/te-2ep-500.yaml}) run with the harness's deterministic
 * {@code test} stage and {@code --tracker local,wandb,mlflow}, logging to a real MLflow server (the basic-auth one when
 * {@value MlflowTestServer#AUTH_ENV} is set, as in CI, else {@value MlflowTestServer#ENV}; see
 * {@link MlflowTestServer} for skip-or-fail) and to the W&B contract server ({@link FakeWandbServer}).
 *
 * <p>Proves: a complete run and a run killed with SIGKILL and resumed each end as one MLflow run (FINISHED, the spec
 * as params) and one W&B run (complete, exit code 0) holding every step exactly once with the values an uninterrupted
 * run produces; {@code runs sync} afterwards sends nothing again; neither the W&B key nor the MLflow password appears
 * in the run folder or on the console.
 */
class StudyTrackingEndToEndTest {

    private static final String WANDB_KEY = "e2efakekey0123456789abcdef0123456789abcd";
    private static final String STUDY_SPEC = "te-2ep-500.yaml";
    /** The W&B entity a key without an entity setting logs to (what the fake server's Viewer answers). */
    private static final String WANDB_ENTITY = "default-team";
    private static final List<String> METRICS = List.of("loss", "loss_ema", "lr", "epoch");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kept when a test fails, for its run folders and console logs. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private FakeWandbServer wandb;
    private MlflowTarget mlflow;
    private MlflowClient verify;
    private String project;
    private Path runs;
    /** Each child's stdout and stderr, in order. */
    private final List<Path> consoles = new ArrayList<>();

    /** The real MLflow server to log to, with its credentials when it is the basic-auth one. */
    private record MlflowTarget(String uri, String user, String password) {
        static MlflowTarget fromEnvironment() {
            String auth = System.getenv(MlflowTestServer.AUTH_ENV);
            if (auth != null && !auth.isBlank()) {
                return new MlflowTarget(auth.strip(), MlflowTestServer.AUTH_USER, MlflowTestServer.AUTH_PASSWORD);
            }
            return new MlflowTarget(MlflowTestServer.uri(), null, null);
        }

        MlflowClient client() {
            return user == null ? new MlflowClient(uri) : new MlflowClient(new BasicMlflowHostCreds(uri, user, password));
        }
    }

    @BeforeEach
    void servers() throws IOException {
        mlflow = MlflowTarget.fromEnvironment();
        verify = mlflow.client();
        wandb = new FakeWandbServer(WANDB_KEY);
        project = "coverlab-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        runs = work.resolve("runs");
    }

    @AfterEach
    void stop() {
        if (wandb != null) {
            wandb.shutdown();
        }
        if (verify != null) {
            verify.close();
        }
    }

    @Test
    void completeStudyRunLogsEveryStepOnceToMlflowAndWandb() throws Exception {
        long stepsPerEpoch = 12;
        long total = 2 * stepsPerEpoch;
        long holdAt = 15; // mid-run, after the first epoch's checkpoint at 12
        Process run = coverlab(stepsPerEpoch, 100, Map.of(RunSettings.SYSTEM_METRICS_ENV, "1",
                        RunSettings.TEST_HOLD_ENV, Long.toString(holdAt)), "run",
                studySpec().toString(), "--stages", "test", "--tracker", "local,wandb,mlflow",
                "--set", "tracking.project=" + project);
        String id = awaitRunId(run);
        assertHistoryArrivesWhileTheRunHolds(run, id, holdAt);
        awaitSystemSamples(run, id, 2); // sampled every second while it holds
        Files.createFile(runDir(id).path().resolve(RunSettings.TEST_RELEASE_FILE));
        assertExit(0, run, 60);

        assertWandbHasEveryStepOnce(id, total);
        Run mlflowRun = assertMlflowHasEveryStepOnce(id, total);
        assertCheckpointsOnServers(id, mlflowRun, List.of(stepsPerEpoch, total)); // one per epoch end, keep_last 2
        assertFalse(tags(mlflowRun).containsKey("coverlab.resumed"), "a run that was never resumed is not tagged resumed");
        assertWandbRunPage(id);
        assertTrue(Files.readString(runDir(id).log()).contains("mlflow: all"), "the run log reports MLflow delivered");
        assertNoSecrets();
    }

    @Test
    void killedAndResumedStudyRunLogsEveryStepExactlyOnceAndSyncAddsNothing() throws Exception {
        long stepsPerEpoch = 30;
        long total = 2 * stepsPerEpoch;
        long holdAt = 23; // three steps past the checkpoint at 20: the resume replays steps the servers have
        Process first = coverlab(stepsPerEpoch, 20, Map.of(RunSettings.TEST_HOLD_ENV, Long.toString(holdAt)), "run",
                studySpec().toString(), "--stages", "test", "--tracker", "local,wandb,mlflow",
                "--set", "tracking.project=" + project, "--set", "train.checkpoint_every=10");
        String id = awaitRunId(first);
        killOnceServersHold(first, id, holdAt);
        long checkpointStep = 20;

        // What the resume must not send again: the servers hold steps past the checkpoint it restarts from.
        assertEquals(RunStatus.RUNNING, mlflowRun(id).getInfo().getStatus(), "killed -9: the MLflow run was never ended");
        FakeWandbServer.Run wandbRun = wandb.existing(wandbPath(id));
        assertFalse(wandbRun.complete, "killed -9: the W&B run was never marked complete");
        long lastCheckpoint = latestCheckpoint(id).map(Checkpoint::step).orElseThrow();
        assertEquals(checkpointStep, lastCheckpoint, "the run held at step " + holdAt + ", past the checkpoint at 20");
        assertTrue(max(wandbRun.historySteps()) > lastCheckpoint, "W&B has steps past checkpoint " + lastCheckpoint);
        assertTrue(max(mlflowSteps(mlflowRun(id).getInfo().getRunId(), "loss")) > lastCheckpoint,
                "MLflow has steps past checkpoint " + lastCheckpoint);

        assertExit(0, coverlab(stepsPerEpoch, 0, "run", "--resume", id), 60);
        assertTrue(Files.readString(runDir(id).log()).contains("from checkpoint " + lastCheckpoint),
                "resumed from the checkpoint taken before the kill");

        assertWandbHasEveryStepOnce(id, total);
        Run resumed = assertMlflowHasEveryStepOnce(id, total);
        assertEquals("true", tags(resumed).get("coverlab.resumed"));
        // Every checkpoint, also those keep_last deleted locally: none is deleted before both trackers have it.
        assertCheckpointsOnServers(id, resumed, LongStream.rangeClosed(1, total / 10).map(i -> i * 10).boxed().toList());

        List<String> wandbHistory = List.copyOf(wandb.existing(wandbPath(id)).history);
        assertExit(0, coverlab(stepsPerEpoch, 0, "runs", "sync", id), 60);
        String syncOutput = readConsole();
        assertTrue(syncOutput.contains("wandb: all") && syncOutput.contains("mlflow: all"), syncOutput);
        assertEquals(wandbHistory, wandb.existing(wandbPath(id)).history, "runs sync left the W&B history as it was");
        Run synced = assertMlflowHasEveryStepOnce(id, total);
        assertEquals(resumed.getInfo().getEndTime(), synced.getInfo().getEndTime(), "runs sync did not end the MLflow run again");
        assertNoSecrets();
    }

    /**
     * The W&B run page's other parts: the run files the SDK uploads (metadata, config.yaml) and the resolved spec, and
     * the system metrics the run process journaled (sampled every second here) in wandb-events.jsonl.
     */
    private void assertWandbRunPage(String id) throws Exception {
        FakeWandbServer.Run run = wandb.existing(wandbPath(id));
        assertTrue(run.uploaded.containsAll(List.of("wandb-metadata.json", "config.yaml", "spec.yaml")), run.uploaded.toString());
        long journaled = Journal.read(runDir(id).journal()).stream()
                .filter(r -> r.event() instanceof RunEvent.SystemMetrics).count();
        assertTrue(journaled >= 2, "the run journaled system metrics every second while it held: " + journaled);
        assertEquals(journaled, run.events.size(), "each journaled sample is one wandb-events.jsonl line");
        JsonNode line = JSON.readTree(run.events.get(0));
        assertTrue(line.path("system.proc.cpu.threads").isNumber() && line.path("_runtime").isNumber(), line.toString());
    }

    // ---- the command line in a child JVM ----

    private static Path studySpec() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path spec = p.resolve("experiments").resolve(STUDY_SPEC);
            if (Files.isRegularFile(spec) && Files.isDirectory(p.resolve("harness"))) {
                return spec;
            }
        }
        throw new IllegalStateException("no experiments/" + STUDY_SPEC + " above " + Path.of("").toAbsolutePath());
    }

    /** {@code coverlab ARGS} as a user runs it, with the trackers' settings and secrets only in its environment. */
    private Process coverlab(long stepsPerEpoch, long stepMillis, String... args) throws IOException {
        return coverlab(stepsPerEpoch, stepMillis, Map.of(), args);
    }

    private Process coverlab(long stepsPerEpoch, long stepMillis, Map<String, String> extraEnv, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), "org.coverlab.cli.Main"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--runs-dir", runs.toString()));
        Path console = work.resolve("console-" + (consoles.size() + 1) + ".log");
        consoles.add(console);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("WANDB_") || k.startsWith("MLFLOW_") || k.startsWith("COVERLAB_"));
        env.put("HOME", work.toString()); // no ~/.netrc of the developer's
        env.put("WANDB_API_KEY", WANDB_KEY);
        env.put("WANDB_BASE_URL", wandb.baseUrl());
        env.put("MLFLOW_TRACKING_URI", mlflow.uri());
        if (mlflow.user() != null) {
            env.put("MLFLOW_TRACKING_USERNAME", mlflow.user());
            env.put("MLFLOW_TRACKING_PASSWORD", mlflow.password());
        }
        env.put(RemoteTrackers.SEND_INTERVAL_ENV, "0.2"); // send while the short run goes, so a kill leaves data out there
        env.put("COVERLAB_TEST_STEPS", Long.toString(stepsPerEpoch));
        env.put("COVERLAB_TEST_STEP_MILLIS", Long.toString(stepMillis));
        env.putAll(extraEnv);
        return pb.start();
    }

    private void assertExit(int expected, Process process, long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("coverlab did not end within " + seconds + " s:\n" + readConsole());
        }
        assertEquals(expected, process.exitValue(), readConsole());
    }

    private String awaitRunId(Process child) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (Files.isDirectory(runs)) {
                try (Stream<Path> dirs = Files.list(runs)) {
                    Optional<Path> found = dirs.filter(d -> Files.exists(d.resolve("events.jsonl"))).findFirst();
                    if (found.isPresent()) {
                        return found.get().getFileName().toString();
                    }
                }
            }
            assertTrue(child.isAlive(), () -> "coverlab exited early:\n" + readConsole());
            Thread.sleep(20);
        }
        throw new AssertionError("coverlab did not create its run within 30 s:\n" + readConsole());
    }

    private String onlyRunId() throws IOException {
        try (Stream<Path> dirs = Files.list(runs)) {
            List<String> ids = dirs.map(p -> p.getFileName().toString()).toList();
            assertEquals(1, ids.size(), ids.toString());
            return ids.get(0);
        }
    }

    /**
     * Kills the run with SIGKILL once both servers hold its steps up to {@code step}, where the run waits (the test
     * stage holds there until it is stopped). Nothing here races the run: it cannot move on while the servers catch
     * up, so the kill always lands at that step however slow the machine is. The deadline only bounds a real failure.
     */
    private void killOnceServersHold(Process child, String id, long step) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            assertTrue(child.isAlive(), () -> "coverlab exited before it was killed:\n" + readConsole());
            FakeWandbServer.Run w = wandb.existing(wandbPath(id));
            Optional<RunInfo> m = mlflowRunIfAny(id);
            if (w != null && m.isPresent() && max(w.historySteps()) >= step
                    && max(mlflowSteps(m.get().getRunId(), "loss")) >= step) {
                assertEquals(step, lastJournaledStep(id), "the run held at step " + step);
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return;
            }
            Thread.sleep(50);
        }
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("the servers did not get step " + step + " within 120 s while the run held there (run "
                + id + "):\n" + readConsole());
    }

    private Optional<Checkpoint> latestCheckpoint(String id) {
        try {
            return new Checkpoints(runDir(id).checkpoints(), Clock.systemUTC()).latest();
        } catch (IOException e) {
            return Optional.empty(); // being written right now; look again
        }
    }

    private long lastJournaledStep(String id) {
        try {
            long step = 0;
            for (JournalRecord r : Journal.read(runDir(id).journal())) {
                if (r.event() instanceof RunEvent.Metrics m) {
                    step = Math.max(step, m.step());
                }
            }
            return step;
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private RunDir runDir(String id) {
        return new RunDir(id, runs.resolve(id));
    }

    /**
     * While the run goes, both servers' history advances (it never waits for the end, nor for checkpoint uploads): with
     * the run held at {@code step} (the test stage waits there until released), W&B and MLflow both get that step. The
     * run cannot move on meanwhile, so this holds however slow the machine is; the deadline only bounds a failure.
     */
    private void assertHistoryArrivesWhileTheRunHolds(Process child, String id, long step) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            assertTrue(child.isAlive(), () -> "coverlab exited while it should hold:\n" + readConsole());
            FakeWandbServer.Run w = wandb.existing(wandbPath(id));
            long wandbSteps = w == null ? 0 : max(w.historySteps());
            long mlflowSteps = mlflowRunIfAny(id).map(r -> max(mlflowSteps(r.getRunId(), "loss"))).orElse(0L);
            if (wandbSteps >= step && mlflowSteps >= step) {
                assertEquals(step, lastJournaledStep(id), "the run is still held at step " + step);
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("W&B and MLflow did not both get step " + step + " within 120 s while the run held there:\n"
                + readConsole());
    }

    private void awaitSystemSamples(Process child, String id, long samples) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            assertTrue(child.isAlive(), () -> "coverlab exited while it should hold:\n" + readConsole());
            if (Journal.read(runDir(id).journal()).stream().filter(r -> r.event() instanceof RunEvent.SystemMetrics).count()
                    >= samples) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + samples + " system samples journaled in 60 s at a 1 s interval");
    }

    // ---- W&B ----

    private String wandbPath(String id) {
        return WANDB_ENTITY + "/" + project + "/" + id;
    }

    private void assertWandbHasEveryStepOnce(String id, long total) throws Exception {
        FakeWandbServer.Run run = wandb.existing(wandbPath(id));
        assertNotNull(run, "W&B run " + wandbPath(id) + "; server has " + wandb.violations);
        assertEquals(steps(total), run.historySteps(), "every _step exactly once, in order");
        for (String line : run.history) {
            JsonNode row = JSON.readTree(line);
            long step = row.path("_step").asLong();
            assertEquals(TestStage.lossAt(spec().seed(), step), row.path("loss").asDouble(), "loss at step " + step);
        }
        assertTrue(run.complete, "the W&B run is marked complete");
        assertEquals(0, run.exitCode);
        assertEquals(2, run.config.path("train").path("value").path("epochs").asInt(), "the spec is the W&B config");
        assertTrue(wandb.violations.isEmpty(), wandb.violations.toString());
    }

    // ---- MLflow ----

    private Optional<RunInfo> mlflowRunIfAny(String id) {
        Optional<Experiment> experiment = verify.getExperimentByName(project);
        if (experiment.isEmpty()) {
            return Optional.empty();
        }
        List<RunInfo> tagged = verify.searchRuns(List.of(experiment.get().getExperimentId()),
                "tags.`coverlab.run_id` = '" + id + "'");
        assertTrue(tagged.size() <= 1, "one MLflow run per coverlab run, found " + tagged.size());
        return tagged.stream().findFirst();
    }

    private Run mlflowRun(String id) {
        RunInfo info = mlflowRunIfAny(id).orElseThrow(() -> new AssertionError("no MLflow run tagged coverlab.run_id=" + id));
        return verify.getRun(info.getRunId());
    }

    private List<Long> mlflowSteps(String mlflowRunId, String key) {
        return verify.getMetricHistory(mlflowRunId, key).stream().map(Metric::getStep).sorted().toList();
    }

    private Run assertMlflowHasEveryStepOnce(String id, long total) throws Exception {
        Run run = mlflowRun(id);
        String runId = run.getInfo().getRunId();
        assertEquals(RunStatus.FINISHED, run.getInfo().getStatus());
        assertEquals(id, tags(run).get("coverlab.run_id"));
        assertEquals("0", tags(run).get("coverlab.exit_code"));
        for (String key : METRICS) {
            assertEquals(steps(total), mlflowSteps(runId, key), key + ": every step exactly once (metrics/get-history)");
        }
        long seed = spec().seed();
        for (Metric m : verify.getMetricHistory(runId, "loss")) {
            assertEquals(TestStage.lossAt(seed, m.getStep()), m.getValue(), "loss at step " + m.getStep());
        }
        assertParamsAreTheSpec(id, params(run));
        return run;
    }

    /**
     * The flattened spec the run recorded (runs/ID/spec.yaml) as MLflow shows params, like a run logged from Python:
     * lists as JSON, floats as Python writes them; no tracking settings, description, empty values or absolute paths.
     */
    private void assertParamsAreTheSpec(String id, Map<String, String> params) throws Exception {
        ExperimentSpec spec = SpecLoader.load(runDir(id).spec(), List.of(), SpecLoader.Options.defaults().withoutFileChecks());
        Map<String, String> expected = new TreeMap<>();
        for (Map.Entry<String, Object> e : SpecValues.flatten(spec).entrySet()) {
            Object v = e.getValue();
            String key = e.getKey();
            if (key.startsWith("tracking.") || key.equals("description") || v == null || "".equals(v)
                    || (v instanceof String text && text.startsWith("/"))) {
                assertFalse(params.containsKey(key), key + " is no param");
                continue;
            }
            if (v instanceof Double d) {
                assertEquals(d, Double.parseDouble(params.get(key)), key);
                assertFalse(params.get(key).contains("E"), key + " is written as Python writes it: " + params.get(key));
                expected.put(key, params.get(key));
            } else {
                expected.put(key, v instanceof Collection<?> || v instanceof Map<?, ?> ? JSON.writeValueAsString(v) : String.valueOf(v));
            }
        }
        assertEquals("te-2ep-500", expected.get("name"));
        assertEquals("2", expected.get("train.epochs"));
        assertEquals("[\"text_encoder\"]", expected.get("train.components"));
        assertEquals(expected, params, "the run's spec as params");
    }

    private ExperimentSpec spec() throws Exception {
        return SpecLoader.load(studySpec(), List.of(), SpecLoader.Options.defaults().withoutFileChecks());
    }

    private static Map<String, String> params(Run run) {
        Map<String, String> out = new TreeMap<>();
        for (Param p : run.getData().getParamsList()) {
            out.put(p.getKey(), p.getValue());
        }
        return out;
    }

    private static Map<String, String> tags(Run run) {
        Map<String, String> out = new HashMap<>();
        for (RunTag t : run.getData().getTagsList()) {
            out.put(t.getKey(), t.getValue());
        }
        return out;
    }

    // ---- checkpoints ----

    /** Each checkpoint is a committed W&B artifact version aliased step-N and a folder of MLflow run artifacts. */
    private void assertCheckpointsOnServers(String id, Run mlflowRun, List<Long> checkpointSteps) throws IOException {
        List<String> files = List.of("checkpoint.json", "ema.bin");
        for (long step : checkpointSteps) {
            boolean onWandb = wandb.artifacts.values().stream().anyMatch(a -> a.collection.equals("model-" + id)
                    && a.state.equals("COMMITTED") && a.files.keySet().containsAll(files)
                    && a.createVariables.path("aliases").findValuesAsText("alias").contains("step-" + step));
            assertTrue(onWandb, "checkpoint " + step + " is a committed W&B artifact version");
            assertEquals(files, mlflowArtifacts(mlflowRun, "checkpoints/" + step), "checkpoint " + step + " in MLflow");
        }
    }

    /** File names in a folder of the run's artifacts, through the tracking server's artifact proxy. */
    private List<String> mlflowArtifacts(Run run, String folder) throws IOException {
        String root = run.getInfo().getArtifactUri().replaceFirst("^mlflow-artifacts:/+", "");
        HttpUrl url = HttpUrl.get(mlflow.uri()).newBuilder().addPathSegments("api/2.0/mlflow-artifacts/artifacts")
                .addQueryParameter("path", root + "/" + folder).build();
        Request.Builder request = new Request.Builder().url(url);
        if (mlflow.user() != null) {
            request.header("Authorization", Credentials.basic(mlflow.user(), mlflow.password()));
        }
        OkHttpClient http = new OkHttpClient();
        try (Response response = http.newCall(request.build()).execute()) {
            assertEquals(200, response.code(), url.toString());
            List<String> names = new ArrayList<>();
            JSON.readTree(response.body().string()).path("files").forEach(f -> names.add(f.path("path").asText()));
            return names.stream().sorted().toList();
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    // ---- secrets ----

    /** Neither secret, nor its HTTP basic-auth encoding, in any file under the runs folder or in the console output. */
    private void assertNoSecrets() throws IOException {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the W&B key", WANDB_KEY);
        secrets.put("the W&B basic-auth header", base64("api:" + WANDB_KEY));
        if (mlflow.password() != null) {
            secrets.put("the MLflow password", mlflow.password());
            secrets.put("the MLflow basic-auth header", base64(mlflow.user() + ":" + mlflow.password()));
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(runs)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        files.addAll(consoles);
        assertTrue(files.size() > 5, "the run folder has files to check: " + files);
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            secrets.forEach((what, secret) -> assertFalse(text.contains(secret), file + " holds " + what));
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    // ---- helpers ----

    private static List<Long> steps(long total) {
        return LongStream.rangeClosed(1, total).boxed().toList();
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** The latest child's console output. */
    private String readConsole() {
        Path console = consoles.get(consoles.size() - 1);
        try {
            return Files.readString(console);
        } catch (IOException e) {
            return "(no console output in " + console + ": " + e + ")";
        }
    }
}
