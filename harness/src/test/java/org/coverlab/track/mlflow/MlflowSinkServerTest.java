package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.coverlab.run.JournalEntry;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.run.RunEvent;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLflow sink against a real tracking server (see {@link MlflowTestServer}). */
class MlflowSinkServerTest {

    private static String uri;
    private static MlflowClient verify;

    @TempDir
    Path runDir;

    private String experiment;
    private String runId;
    private long seq;

    /** Per test, so a missing server shows as each test skipped (or failed, in CI) with the reason. */
    @BeforeEach
    void server() {
        if (uri == null) {
            uri = MlflowTestServer.uri();
            verify = new MlflowClient(uri);
        }
    }

    @AfterAll
    static void closeVerifier() {
        if (verify != null) {
            verify.close();
        }
    }

    @BeforeEach
    void names() {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        experiment = "coverlab-test-" + unique;
        runId = "20261125-090000-" + unique;
    }

    @Test
    void fullRunLogsConfigMetricsGridCheckpointAndFinishes() throws Exception {
        byte[] png = randomBytes(3_000, 1);
        byte[] weights = randomBytes(200_000, 2);
        write("samples/grid-000010.png", png);
        write("checkpoints/step-000020/unet.safetensors", weights);
        write("checkpoints/step-000020/state.json", "{\"step\":20}".getBytes());
        write("reports/report.html", "<html>fid 12.5</html>".getBytes());

        List<JournalEntry> journal = new ArrayList<>();
        journal.add(entry(started(Map.of("train.lr", 1e-4, "train.steps", 20, "model.name", "tiny",
                "tracking.backends", List.of("local", "mlflow")), false)));
        for (int step = 1; step <= 20; step++) {
            journal.add(entry(new RunEvent.Metrics(1000L + step, step, Map.of("loss", 1.0 / step, "lr", 1e-4))));
            if (step == 10) {
                journal.add(entry(new RunEvent.Image(1010, 10, "grid", "samples/grid-000010.png", "fixed latents")));
            }
        }
        journal.add(entry(new RunEvent.Artifact(1020, 20, "checkpoint", "checkpoints/step-000020")));
        journal.add(entry(new RunEvent.Artifact(1021, 20, "report", "reports/report.html")));
        journal.add(entry(new RunEvent.Summary(1022, Map.of("fid", 12.5, "verdict", "better"))));
        journal.add(entry(new RunEvent.Finished(1023, "finished", 0)));

        String mlflowRun;
        try (MlflowSink sink = sink()) {
            sink.open(runId, "te-8ep", runDir);
            mlflowRun = sink.mlflowRunId();
            sink.send(journal.subList(0, 12));
            assertEquals(RunStatus.RUNNING, verify.getRun(mlflowRun).getInfo().getStatus());
            sink.send(journal.subList(12, journal.size()));
        }

        Run run = verify.getRun(mlflowRun);
        assertEquals("te-8ep", run.getInfo().getRunName());
        assertEquals(RunStatus.FINISHED, run.getInfo().getStatus());
        assertEquals(1023, run.getInfo().getEndTime());
        assertEquals(Map.of("train.lr", "0.0001", "train.steps", "20", "model.name", "tiny"), params(run),
                "floats as Python writes them; tracking settings are no params");
        Map<String, String> tags = tags(run);
        assertEquals(runId, tags.get(MlflowSink.RUN_ID_TAG));
        assertEquals("0", tags.get("coverlab.exit_code"));
        assertEquals("better", tags.get("summary.verdict"));

        List<Metric> loss = verify.getMetricHistory(mlflowRun, "loss");
        assertEquals(20, loss.size());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L),
                loss.stream().map(Metric::getStep).sorted().toList());
        assertEquals(1.0 / 7, loss.stream().filter(m -> m.getStep() == 7).findFirst().orElseThrow().getValue(), 1e-12);
        List<Metric> fid = verify.getMetricHistory(mlflowRun, "fid");
        assertEquals(1, fid.size());
        assertEquals(20, fid.get(0).getStep());
        assertEquals(12.5, fid.get(0).getValue());

        try (MlflowArtifactClient artifacts = new MlflowArtifactClient(endpoint())) {
            String root = MlflowArtifactClient.proxiedRoot(run.getInfo().getArtifactUri()).orElseThrow();
            assertArrayEquals(png, artifacts.download(root, "images/grid/step-00000010.png"));
            assertArrayEquals(weights, artifacts.download(root, "checkpoints/step-000020/unet.safetensors"));
            assertEquals(List.of("checkpoints/step-000020/state.json", "checkpoints/step-000020/unet.safetensors"),
                    artifacts.list(root, "checkpoints/step-000020").stream()
                            .map(MlflowArtifactClient.Entry::path).sorted().toList());
            assertEquals("<html>fid 12.5</html>", new String(artifacts.download(root, "reports/report.html")));
        }
    }

    @Test
    void resumedRunContinuesStepsWithoutDuplicates() throws Exception {
        String first;
        try (MlflowSink sink = sink()) {
            sink.open(runId, "resume-me", runDir);
            first = sink.mlflowRunId();
            List<JournalEntry> session = new ArrayList<>(List.of(entry(started(Map.of("train.lr", 0.001), false))));
            for (int step = 1; step <= 10; step++) {
                session.add(entry(new RunEvent.Metrics(step, step, Map.of("loss", (double) step))));
            }
            session.add(entry(new RunEvent.Finished(11, "killed", 137)));
            sink.send(session);
        }
        assertEquals(RunStatus.KILLED, verify.getRun(first).getInfo().getStatus());

        try (MlflowSink sink = sink()) {
            sink.open(runId, "resume-me", runDir);
            assertEquals(first, sink.mlflowRunId(), "re-opening by the coverlab run id must find the same MLflow run");
            sink.send(List.of(entry(started(Map.of("train.lr", 0.001), true))));
            assertEquals(RunStatus.RUNNING, verify.getRun(first).getInfo().getStatus());
            // The resumed process restarts from its step-5 checkpoint and reports steps 6..15 again; 6..10 are on the
            // server already and must not be duplicated (or overwritten).
            List<JournalEntry> more = new ArrayList<>();
            for (int step = 6; step <= 15; step++) {
                more.add(entry(new RunEvent.Metrics(100 + step, step, Map.of("loss", 100.0 + step))));
            }
            more.add(entry(new RunEvent.Finished(200, "finished", 0)));
            sink.send(more);
        }

        Run run = verify.getRun(first);
        assertEquals(RunStatus.FINISHED, run.getInfo().getStatus());
        assertEquals("true", tags(run).get("coverlab.resumed"));
        Map<Long, Double> byStep = verify.getMetricHistory(first, "loss").stream()
                .collect(Collectors.toMap(Metric::getStep, Metric::getValue)); // throws on a duplicate step
        assertEquals(15, byStep.size());
        assertEquals(8.0, byStep.get(8L));
        assertEquals(115.0, byStep.get(15L));
        assertEquals(1, runsTagged().size(), "exactly one MLflow run per coverlab run");
    }

    @Test
    void replayingTheWholeJournalChangesNothing() throws Exception {
        write("checkpoints/step-000004/unet.safetensors", randomBytes(50_000, 3));
        List<JournalEntry> journal = new ArrayList<>(List.of(entry(started(Map.of("seed", 7), false))));
        for (int step = 1; step <= 4; step++) {
            journal.add(entry(new RunEvent.Metrics(step, step, Map.of("loss", 1.0 / step))));
        }
        journal.add(entry(new RunEvent.Artifact(5, 4, "checkpoint", "checkpoints/step-000004")));
        journal.add(entry(new RunEvent.Summary(6, Map.of("fid", 3.0))));
        journal.add(entry(new RunEvent.Finished(7, "finished", 0)));
        for (int attempt = 0; attempt < 2; attempt++) { // the second pass is what `coverlab runs sync` does after a crash
            try (MlflowSink sink = sink()) {
                sink.open(runId, "replayed", runDir);
                sink.send(journal);
            }
        }
        RunInfo info = runsTagged().get(0);
        assertEquals(1, runsTagged().size());
        assertEquals(RunStatus.FINISHED, info.getStatus());
        assertEquals(4, verify.getMetricHistory(info.getRunId(), "loss").size());
        assertEquals(1, verify.getMetricHistory(info.getRunId(), "fid").size());
        assertEquals(Map.of("seed", "7"), params(verify.getRun(info.getRunId())));
    }

    @Test
    void artifactsRoundTripThroughTheServerProxy() throws Exception {
        byte[] bytes = randomBytes(70_000, 4);
        Path file = write("any/file with space.bin", bytes);
        try (MlflowSink sink = sink(); MlflowArtifactClient artifacts = new MlflowArtifactClient(endpoint())) {
            sink.open(runId, "artifacts", runDir);
            String root = MlflowArtifactClient.proxiedRoot(verify.getRun(sink.mlflowRunId()).getInfo().getArtifactUri())
                    .orElseThrow();
            artifacts.upload(root, "deep/er/file with space.bin", file);
            assertEquals(List.of(new MlflowArtifactClient.Entry("deep/er", true, 0)), artifacts.list(root, "deep"));
            assertEquals(List.of(new MlflowArtifactClient.Entry("deep/er/file with space.bin", false, bytes.length)),
                    artifacts.list(root, "deep/er"));
            assertArrayEquals(bytes, artifacts.download(root, "deep/er/file with space.bin"));
            assertTrue(artifacts.list(root, "nothing-here").isEmpty());
        }
    }

    @Test
    void changedParamKeepsTheLoggedValueAndRecordsTheNewOneAsTag() throws Exception {
        String mlflowRun;
        try (MlflowSink sink = sink()) {
            sink.open(runId, "conflict", runDir);
            mlflowRun = sink.mlflowRunId();
            sink.send(List.of(entry(started(Map.of("train.lr", 0.001, "train.batch", 4), false))));
        }
        try (MlflowSink sink = sink()) {
            sink.open(runId, "conflict", runDir);
            // A resumed run whose spec changed: params are immutable in MLflow, so the sink must not fail the batch.
            sink.send(List.of(entry(started(Map.of("train.lr", 0.002, "train.batch", 4, "train.ema", true), true)),
                    entry(new RunEvent.Metrics(5, 1, Map.of("loss", 0.5)))));
        }
        Run run = verify.getRun(mlflowRun);
        assertEquals(Map.of("train.lr", "0.001", "train.batch", "4", "train.ema", "true"), params(run));
        assertEquals("0.002", tags(run).get(MlflowSink.CONFLICT_TAG_PREFIX + "train.lr"));
        assertEquals(1, verify.getMetricHistory(mlflowRun, "loss").size(), "entries after the conflict still arrive");
    }

    @Test
    void largeConfigsAndMetricSetsAreSplitWithinServerLimits() throws Exception {
        Map<String, Object> config = new TreeMap<>();
        for (int i = 0; i < 250; i++) {
            config.put(String.format("group.key%03d", i), "v" + i);
        }
        config.put("long.value", "x".repeat(7000));
        config.put("bad key!", "skipped");
        config.put("k".repeat(300), "skipped");
        Map<String, Double> wide = new LinkedHashMap<>();
        for (int i = 0; i < 1200; i++) {
            wide.put("layer" + i + "/grad_norm", (double) i);
        }
        String mlflowRun;
        try (MlflowSink sink = sink()) {
            sink.open(runId, "wide", runDir);
            mlflowRun = sink.mlflowRunId();
            sink.send(List.of(entry(started(config, false)), entry(new RunEvent.Metrics(9, 1, wide))));
        }
        Run run = verify.getRun(mlflowRun);
        Map<String, String> params = params(run);
        assertEquals(251, params.size());
        assertFalse(params.containsKey("bad key!"));
        String cut = params.get("long.value");
        assertEquals(MlflowNames.MAX_PARAM_VALUE_LENGTH, cut.length());
        assertTrue(cut.endsWith(MlflowNames.TRUNCATION_MARK));
        assertEquals(1200, run.getData().getMetricsCount());
    }

    @Test
    void nonFiniteMetricValuesAreStored() throws Exception {
        String mlflowRun;
        try (MlflowSink sink = sink()) {
            sink.open(runId, "nan", runDir);
            mlflowRun = sink.mlflowRunId();
            // A diverged loss must not make the batch (and every later entry) fail.
            sink.send(List.of(entry(new RunEvent.Metrics(1, 1, Map.of("loss", Double.NaN, "grad", Double.POSITIVE_INFINITY,
                    "lr", 1e-4)))));
        }
        assertTrue(Double.isNaN(verify.getMetricHistory(mlflowRun, "loss").get(0).getValue()));
        // MLflow's SQL store keeps infinities as the largest finite double.
        assertTrue(verify.getMetricHistory(mlflowRun, "grad").get(0).getValue() >= Double.MAX_VALUE);
    }

    @Test
    void deletedMlflowRunIsReportedNotSilentlyReplaced() throws Exception {
        String mlflowRun;
        try (MlflowSink sink = sink()) {
            sink.open(runId, "deleted", runDir);
            mlflowRun = sink.mlflowRunId();
        }
        verify.deleteRun(mlflowRun);
        try (MlflowSink sink = sink()) {
            SinkException e = assertThrows(SinkException.class, () -> sink.open(runId, "deleted", runDir));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("mlflow runs restore --run-id " + mlflowRun), e.getMessage());
        }
        assertEquals(1, runsTagged().size(), "no second run was created");
    }

    @Test
    void pathThatIsNotAnMlflowServerFailsClearlyWithoutRetry() {
        MlflowEndpoint wrong = MlflowEndpoint.of(uri + "/not-mlflow", experiment, MlflowCredentials.basic("u", "pw-9f3k2"));
        try (MlflowSink sink = new MlflowSink(wrong)) {
            SinkException e = assertThrows(SinkException.class, () -> sink.open(runId, "x", runDir));
            assertFalse(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertTrue(e.getMessage().contains("/not-mlflow"), e.getMessage());
            assertFalse(e.getMessage().contains("pw-9f3k2"), e.getMessage());
        }
    }

    @Test
    void aRunShowsUserSourceCommitDescriptionAndDatasetInputThroughMlflowsOwnApi() throws Exception {
        Path dataset = runDir.resolve("ds");
        Files.createDirectories(dataset);
        Files.writeString(dataset.resolve("book_data.csv"), "title,author,cover_path\nA,B,covers/1.jpg\n");
        String provenance = "{\"source\":\"synthetic\",\"path\":\"" + dataset.toString().replace("\\", "\\\\")
                + "\",\"csv\":\"book_data.csv\",\"csvSha256\":\"5c3a1f9c1bd86d83aa\",\"datasetSpecSha256\":\"8e77646216fc8033bb\","
                + "\"csvRows\":1,\"rowsUsable\":1,\"trainExamples\":1,\"validationExamples\":0,\"dropped\":0}";
        write("data/dataset.json", provenance.getBytes());
        write("spec.yaml", "name: te-2ep\n".getBytes());
        write("run.log", "2026-11-25 09:00:00 INFO started\n".getBytes());

        List<JournalEntry> journal = List.of(
                entry(started(Map.of("name", "te-2ep", "description", "Text encoder, 2 epochs", "train.lr", 5e-6,
                        "data.root", "/data/covers", "model.variant", ""), false)),
                entry(new RunEvent.Summary(1001, Map.of("dataset.csv_sha256", "5c3a1f9c1bd86d83aa", "dataset.csv_rows", 1))),
                entry(new RunEvent.Metrics(1002, 1, Map.of("loss", 0.5))),
                entry(new RunEvent.Finished(1003, "finished", 0)));
        String mlflowRun;
        try (MlflowSink sink = sink()) {
            sink.open(runId, "te-2ep", runDir);
            mlflowRun = sink.mlflowRunId();
            sink.send(journal);
        }

        Run run = verify.getRun(mlflowRun);
        Map<String, String> tags = tags(run);
        assertEquals(System.getProperty("user.name"), tags.get("mlflow.user"));
        assertEquals(System.getProperty("user.name"), run.getInfo().getUserId());
        assertTrue(tags.get("mlflow.source.name").startsWith("coverlab"), tags.toString());
        assertEquals("LOCAL", tags.get("mlflow.source.type"));
        assertEquals(gitHead(), tags.get("mlflow.source.git.commit"));
        assertEquals("Text encoder, 2 epochs", tags.get("mlflow.note.content"));
        assertEquals("/data/covers", tags.get("coverlab.path.data.root"), "an absolute path is a tag, not a param");
        assertEquals(Map.of("name", "te-2ep", "train.lr", "5e-06"), params(run), "no empty, path or description params");

        assertEquals(1, run.getInputs().getDatasetInputsCount(), run.getInputs().toString());
        var input = run.getInputs().getDatasetInputs(0);
        assertEquals("ds", input.getDataset().getName());
        assertEquals("5c3a1f9c8e776462", input.getDataset().getDigest());
        assertEquals("local", input.getDataset().getSourceType());
        assertTrue(input.getDataset().getSource().contains("book_data.csv"), input.getDataset().getSource());
        assertTrue(input.getDataset().getSchema().contains("\"name\":\"cover_path\""), input.getDataset().getSchema());
        assertEquals("training", input.getTagsList().stream().filter(t -> t.getKey().equals("mlflow.data.context"))
                .findFirst().orElseThrow().getValue());

        MlflowArtifactClient artifacts = new MlflowArtifactClient(endpoint());
        String root = MlflowArtifactClient.proxiedRoot(run.getInfo().getArtifactUri()).orElseThrow();
        List<String> top = artifacts.list(root, "").stream().map(MlflowArtifactClient.Entry::path).sorted().toList();
        assertTrue(top.containsAll(List.of("data", "run.log", "spec.yaml")), top.toString());
        assertEquals(provenance, new String(artifacts.download(root, "data/dataset.json")));
        artifacts.close();
    }

    private static String gitHead() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes()).strip();
        assertEquals(0, git.waitFor(), out);
        return out;
    }

    private MlflowSink sink() {
        return new MlflowSink(endpoint());
    }

    private MlflowEndpoint endpoint() {
        return MlflowEndpoint.of(uri, experiment, MlflowCredentials.NONE);
    }

    private RunEvent.Started started(Map<String, Object> config, boolean resumed) {
        return new RunEvent.Started(0, runId, "test", config, resumed);
    }

    private JournalEntry entry(RunEvent event) {
        return new JournalEntry(++seq, event);
    }

    private List<RunInfo> runsTagged() {
        String exp = verify.getExperimentByName(experiment).orElseThrow().getExperimentId();
        return verify.searchRuns(List.of(exp), "tags.`coverlab.run_id` = '" + runId + "'", ViewType.ALL);
    }

    private Path write(String rel, byte[] bytes) throws Exception {
        Path p = runDir.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Map<String, String> params(Run run) {
        return run.getData().getParamsList().stream().collect(Collectors.toMap(Param::getKey, Param::getValue));
    }

    private static Map<String, String> tags(Run run) {
        return run.getData().getTagsList().stream().collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
    }
}
