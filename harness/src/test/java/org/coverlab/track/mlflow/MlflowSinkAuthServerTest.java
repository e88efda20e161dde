package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.coverlab.run.JournalEntry;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.run.RunEvent;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLflow sink against a real server running MLflow's basic-auth app (see {@link MlflowTestServer#authUri}). */
class MlflowSinkAuthServerTest {

    private static final String WRONG_PASSWORD = "not-the-pw-7Yx2";

    @TempDir
    Path runDir;

    private String uri;
    private String experiment;
    private String runId;

    @BeforeEach
    void server() {
        uri = MlflowTestServer.authUri();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        experiment = "coverlab-auth-" + unique;
        runId = "auth-run-" + unique;
    }

    @Test
    void rightCredentialsLogMetricsAndArtifacts() throws Exception {
        byte[] grid = new byte[4096];
        grid[7] = 42;
        Files.write(runDir.resolve("grid.png"), grid);
        MlflowCredentials admin = MlflowCredentials.basic(MlflowTestServer.AUTH_USER, MlflowTestServer.AUTH_PASSWORD);
        String mlflowRun;
        try (MlflowSink sink = new MlflowSink(MlflowEndpoint.of(uri, experiment, admin))) {
            sink.open(runId, "auth", runDir);
            mlflowRun = sink.mlflowRunId();
            sink.send(List.of(
                    new JournalEntry(1, new RunEvent.Started(1, runId, "auth", Map.of("seed", 1), false)),
                    new JournalEntry(2, new RunEvent.Metrics(2, 1, Map.of("loss", 0.25))),
                    new JournalEntry(3, new RunEvent.Image(3, 1, "grid", "grid.png", "")),
                    new JournalEntry(4, new RunEvent.Finished(4, "finished", 0))));
        }
        try (MlflowClient verify = new MlflowClient(new BasicMlflowHostCreds(uri, MlflowTestServer.AUTH_USER,
                MlflowTestServer.AUTH_PASSWORD));
                MlflowArtifactClient artifacts = new MlflowArtifactClient(MlflowEndpoint.of(uri, experiment, admin))) {
            assertEquals(RunStatus.FINISHED, verify.getRun(mlflowRun).getInfo().getStatus());
            assertEquals(0.25, verify.getMetricHistory(mlflowRun, "loss").get(0).getValue());
            String root = MlflowArtifactClient.proxiedRoot(verify.getRun(mlflowRun).getInfo().getArtifactUri()).orElseThrow();
            assertArrayEquals(grid, artifacts.download(root, "images/grid/step-00000001.png"));
        }
    }

    @Test
    void wrongPasswordIsNotRetryableAndNeverQuoted() {
        MlflowCredentials wrong = MlflowCredentials.basic(MlflowTestServer.AUTH_USER, WRONG_PASSWORD);
        try (MlflowSink sink = new MlflowSink(MlflowEndpoint.of(uri, experiment, wrong))) {
            SinkException e = assertThrows(SinkException.class, () -> sink.open(runId, "x", runDir));
            assertFalse(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
            assertTrue(e.getMessage().contains(MlflowCredentials.PASSWORD_ENV), e.getMessage());
            assertFalse(e.getMessage().contains(WRONG_PASSWORD), e.getMessage());
        }
    }

    @Test
    void missingCredentialsSayWhichVariablesToSet() {
        try (MlflowSink sink = new MlflowSink(MlflowEndpoint.of(uri, experiment, MlflowCredentials.NONE))) {
            SinkException e = assertThrows(SinkException.class, () -> sink.open(runId, "x", runDir));
            assertFalse(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains(MlflowCredentials.USERNAME_ENV), e.getMessage());
        }
    }
}
