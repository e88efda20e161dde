package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.coverlab.stages.Pipeline;
import org.coverlab.study.StudyMember;
import org.coverlab.study.StudyRecord;
import org.coverlab.study.StudyStore;
import org.coverlab.testsupport.Repository;
import org.coverlab.track.mlflow.MlflowTestServer;
import org.coverlab.track.wandb.FakeWandbServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The trackers know the study: a two-member study run locally with {@code --tracker local,wandb,mlflow} puts both W&B
 * runs in group = the study's name with job type = the spec's name (the W&B contract server), and makes one MLflow
 * parent run (a real server, see {@link MlflowTestServer}) with the members as its children ({@code mlflow.parentRunId})
 * and the study's summary table as its artifact, FINISHED once both members finished.
 */
class StudyTrackersTest {

    private static final String WANDB_KEY = "studyfakekey0123456789abcdef0123456789ab";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path cwd;

    private FakeWandbServer wandb;
    private MlflowClient mlflow;
    private String mlflowUri;
    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void servers() throws Exception {
        String auth = System.getenv(MlflowTestServer.AUTH_ENV);
        if (auth != null && !auth.isBlank()) {
            mlflowUri = auth.strip();
            mlflow = new MlflowClient(new BasicMlflowHostCreds(mlflowUri, MlflowTestServer.AUTH_USER, MlflowTestServer.AUTH_PASSWORD));
            env.put("MLFLOW_TRACKING_USERNAME", MlflowTestServer.AUTH_USER);
            env.put("MLFLOW_TRACKING_PASSWORD", MlflowTestServer.AUTH_PASSWORD);
        } else {
            mlflowUri = MlflowTestServer.uri();
            mlflow = new MlflowClient(mlflowUri);
        }
        wandb = new FakeWandbServer(WANDB_KEY);
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("WANDB_") && !k.startsWith("MLFLOW_") && !k.startsWith("COVERLAB_")) {
                env.put(k, v);
            }
        });
        env.put("HOME", cwd.toString());
        env.put("WANDB_API_KEY", WANDB_KEY);
        env.put("WANDB_BASE_URL", wandb.baseUrl());
        env.put("MLFLOW_TRACKING_URI", mlflowUri);
        env.put("COVERLAB_TEST_STEPS", "6");
        env.put("COVERLAB_TEST_STEP_MILLIS", "20");
    }

    @AfterEach
    void stop() {
        if (wandb != null) {
            wandb.shutdown();
        }
        if (mlflow != null) {
            mlflow.close();
        }
    }

    @Test
    void wandbGroupsMembersByStudyAndMlflowNestsThemUnderAParentRunWithTheSummaryTable() throws Exception {
        String project = "coverlab-study-" + UUID.randomUUID().toString().substring(0, 8);
        Files.copy(Repository.root().resolve("experiments/harness-demo.yaml"), cwd.resolve("demo.yaml"));
        Files.writeString(cwd.resolve("study.yaml"), "name: tracked-pair\ndescription: two seeds\nspecs: [demo.yaml]\n"
                + "stages: [test]\nset: [tracking.project=" + project + "]\nsweep:\n  seeds: [1, 2]\nexecutor:\n  parallel: 2\n");
        CliContext ctx = new CliContext(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, cwd, false, Pipeline.standard(),
                RemoteTrackers.of(env), Clock.systemUTC(), false);

        int code = CoverlabCommand.execute(ctx, "study", "run", "study.yaml", "--tracker", "local,wandb,mlflow");

        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, code, printed);
        Path studies = cwd.resolve("studies");
        String studyId;
        try (var dirs = Files.list(studies)) {
            studyId = dirs.map(p -> p.getFileName().toString()).findFirst().orElseThrow();
        }
        StudyRecord record = new StudyStore(studies, new org.coverlab.run.RunId()).find(studyId).read();

        for (StudyMember m : record.members()) {
            FakeWandbServer.Run w = wandb.existing("default-team/" + project + "/" + m.runId());
            assertNotNull(w, "W&B run of " + m.runId() + "; " + wandb.violations);
            assertEquals("tracked-pair", w.group, "W&B group = study name");
            assertEquals("harness-demo", w.jobType, "W&B job type = spec name");
        }

        Experiment experiment = mlflow.getExperimentByName(project).orElseThrow();
        List<RunInfo> parents = mlflow.searchRuns(List.of(experiment.getExperimentId()), "tags.`coverlab.study_id` = '" + studyId + "'")
                .stream().filter(r -> !tags(r).containsKey("coverlab.run_id")).toList();
        assertEquals(1, parents.size(), "one parent run");
        RunInfo parent = parents.get(0);
        assertEquals(record.mlflowParentRunId(), parent.getRunId());
        assertEquals("tracked-pair", parent.getRunName());
        assertEquals(RunStatus.FINISHED, mlflow.getRun(parent.getRunId()).getInfo().getStatus(), printed);
        for (StudyMember m : record.members()) {
            List<RunInfo> child = mlflow.searchRuns(List.of(experiment.getExperimentId()), "tags.`coverlab.run_id` = '" + m.runId() + "'");
            assertEquals(1, child.size());
            Map<String, String> t = tags(child.get(0));
            assertEquals(parent.getRunId(), t.get("mlflow.parentRunId"), "member nested under the study");
            assertEquals(studyId, t.get("coverlab.study_id"));
            assertEquals(RunStatus.FINISHED, child.get(0).getStatus());
        }
        String csv = artifact(mlflow.getRun(parent.getRunId()), "study-summary.csv");
        for (StudyMember m : record.members()) {
            assertTrue(csv.contains(m.runId() + ",harness-demo,seed=" + m.overrides().get(m.overrides().size() - 1).substring(5)
                    + ",finished,test,6"), csv);
        }
        assertTrue(!printed.contains(WANDB_KEY), "no secret on the console");
    }

    /** A file of the run's artifacts, through the tracking server's artifact proxy (no Python client needed). */
    private String artifact(Run run, String path) throws Exception {
        String root = run.getInfo().getArtifactUri().replaceFirst("^mlflow-artifacts:/+", "");
        okhttp3.HttpUrl url = okhttp3.HttpUrl.get(mlflowUri).newBuilder()
                .addPathSegments("api/2.0/mlflow-artifacts/artifacts/" + root + "/" + path).build();
        okhttp3.Request.Builder request = new okhttp3.Request.Builder().url(url);
        if (env.containsKey("MLFLOW_TRACKING_USERNAME")) {
            request.header("Authorization", okhttp3.Credentials.basic(env.get("MLFLOW_TRACKING_USERNAME"),
                    env.get("MLFLOW_TRACKING_PASSWORD")));
        }
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient();
        try (okhttp3.Response response = http.newCall(request.build()).execute()) {
            assertEquals(200, response.code(), url.toString());
            return response.body().string();
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private Map<String, String> tags(RunInfo info) {
        Run run = mlflow.getRun(info.getRunId());
        return run.getData().getTagsList().stream().collect(Collectors.toMap(RunTag::getKey, RunTag::getValue, (a, b) -> b));
    }
}
