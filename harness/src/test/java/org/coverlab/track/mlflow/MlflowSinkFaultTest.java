package org.coverlab.track.mlflow;

import static org.coverlab.track.mlflow.FakeMlflowServer.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.SocketEffect;
import org.coverlab.run.JournalEntry;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.run.RunEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the sink classifies failures, with a scripted fake MLflow server (mockwebserver3) in front. */
class MlflowSinkFaultTest {

    private static final String PASSWORD = "hunter2-Zq9";
    private static final String TOKEN = "tok-8d7f6e5c4b3a";

    @TempDir
    Path runDir;

    private FakeMlflowServer fake;
    private MlflowSink sink;
    private long seq;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeMlflowServer();
    }

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
        }
        fake.close();
    }

    private MlflowSink open(MlflowCredentials credentials) throws SinkException {
        MlflowEndpoint endpoint = MlflowEndpoint.of(fake.uri(), "fake", credentials)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(800));
        sink = new MlflowSink(endpoint);
        sink.open("run-1", "fault", runDir);
        return sink;
    }

    @Test
    void aFileDeletedBeforeItsUploadIsReportedAsSuchAndRetryable() {
        // e.g. a checkpoint pruned by train.keep_last while the sender was behind; the sender's retry then skips it.
        Path gone = runDir.resolve("checkpoints/30/checkpoint.json");
        try (MlflowArtifactClient artifacts = new MlflowArtifactClient(MlflowEndpoint.of(fake.uri(), "fake", MlflowCredentials.NONE))) {
            SinkException e = assertThrows(SinkException.class, () -> artifacts.upload("1/abc/artifacts", "checkpoints/30/checkpoint.json", gone));
            assertTrue(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("the local file was deleted before it was uploaded"), e.getMessage());
        }
    }

    @Test
    void serverErrorsAreRetryable() throws Exception {
        open(MlflowCredentials.NONE);
        fake.fail("runs/log-batch", status(500, "{\"error_code\":\"INTERNAL_ERROR\",\"message\":\"db locked\"}"));
        SinkException e = assertThrows(SinkException.class, () -> sink.send(metrics(1, 1)));
        assertTrue(e.retryable());
        assertEquals(0, e.retryAfterMillis());
        assertTrue(e.getMessage().contains("runs/log-batch") && e.getMessage().contains("HTTP 500")
                && e.getMessage().contains("INTERNAL_ERROR: db locked"), e.getMessage());

        fake.fail("runs/log-batch", status(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"));
        e = assertThrows(SinkException.class, () -> sink.send(metrics(1, 1)));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("502 Bad Gateway"), e.getMessage());

        sink.send(metrics(1, 1)); // the server recovered
        assertEquals(1, fake.appliedBatches().size());
    }

    @Test
    void rateLimitIsRetryableAfterTheServersDelayWithoutRetryingInside() throws Exception {
        open(MlflowCredentials.NONE);
        int before = fake.requests("runs/log-batch").size();
        fake.fail("runs/log-batch", status(429, "{\"error_code\":\"REQUEST_LIMIT_EXCEEDED\",\"message\":\"slow down\"}", "7"));
        SinkException e = assertThrows(SinkException.class, () -> sink.send(metrics(1, 1)));
        assertTrue(e.retryable());
        assertEquals(7_000, e.retryAfterMillis());
        // The stock Java client would loop on 429 for a minute; the sender owns retries, so exactly one request.
        assertEquals(before + 1, fake.requests("runs/log-batch").size());
    }

    @Test
    void artifactUploadHonoursRetryAfterDates() throws Exception {
        Files.writeString(runDir.resolve("report.html"), "<html/>");
        open(MlflowCredentials.NONE);
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(60));
        fake.fail("report.html", status(503, "busy", inAMinute));
        SinkException e = assertThrows(SinkException.class,
                () -> sink.send(List.of(entry(new RunEvent.Artifact(1, 1, "report", "report.html")))));
        assertTrue(e.retryable());
        assertTrue(e.retryAfterMillis() > 50_000 && e.retryAfterMillis() <= 60_000, String.valueOf(e.retryAfterMillis()));
        assertTrue(e.getMessage().contains("artifact upload of report.html"), e.getMessage());
    }

    @Test
    void droppedConnectionIsRetryableAndTheRetrySkipsWhatTheServerAlreadyApplied() throws Exception {
        open(MlflowCredentials.NONE);
        List<JournalEntry> batch = new ArrayList<>();
        for (int step = 1; step <= 5; step++) {
            batch.add(entry(new RunEvent.Metrics(step, step, Map.of("loss", (double) step))));
        }
        sink.send(batch.subList(0, 2));
        // Steps 3..5 reach the server and are stored, but the connection drops before the answer.
        fake.fail("runs/log-batch", FakeMlflowServer.answer(b -> b.onResponseStart(SocketEffect.ShutdownConnection.INSTANCE), true));
        SinkException e = assertThrows(SinkException.class, () -> sink.send(batch.subList(2, 5)));
        assertTrue(e.retryable(), e.getMessage());
        // The sender retries the same entries (plus one new one): only the new step may be sent.
        List<JournalEntry> retry = new ArrayList<>(batch.subList(2, 5));
        retry.add(entry(new RunEvent.Metrics(6, 6, Map.of("loss", 6.0))));
        sink.send(retry);
        List<Long> sentSteps = new ArrayList<>();
        for (JsonNode applied : fake.appliedBatches()) {
            applied.path("metrics").forEach(m -> sentSteps.add(m.path("step").asLong()));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), sentSteps);
    }

    @Test
    void serverThatStopsAnsweringTimesOutAsRetryable() throws Exception {
        open(MlflowCredentials.NONE);
        fake.fail("runs/log-batch", FakeMlflowServer.answer(b -> b.headersDelay(3, TimeUnit.SECONDS), false));
        SinkException e = assertThrows(SinkException.class, () -> sink.send(metrics(1, 1)));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("no answer in time"), e.getMessage());
    }

    /** A stop cancels the call in flight from another thread; the sending thread is not interrupted. */
    @Test
    void abortEndsASendWaitingOnASlowServerAtOnceAsRetryable() throws Exception {
        sink = new MlflowSink(MlflowEndpoint.of(fake.uri(), "fake", MlflowCredentials.NONE)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30))); // only the abort can end the wait
        sink.open("run-1", "fault", runDir);
        fake.fail("runs/log-batch", FakeMlflowServer.answer(b -> b.headersDelay(20, TimeUnit.SECONDS), false));
        java.util.concurrent.CompletableFuture<SinkException> failed = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                sink.send(metrics(1, 1));
                return null;
            } catch (SinkException e) {
                return e;
            }
        });
        while (fake.requests("runs/log-batch").isEmpty()) {
            Thread.sleep(10);
        }
        long abortedAt = System.nanoTime();
        sink.abort();
        SinkException e = failed.get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - abortedAt < 2_000_000_000L, "the send ended at the abort");
        assertTrue(e != null && e.retryable(), String.valueOf(e));
    }

    @Test
    void unreachableServerIsRetryable() throws Exception {
        String uri = fake.uri();
        fake.close();
        sink = new MlflowSink(MlflowEndpoint.of(uri, "fake", MlflowCredentials.NONE));
        SinkException e = assertThrows(SinkException.class, () -> sink.open("run-1", "x", runDir));
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
        assertTrue(e.getMessage().contains(uri), e.getMessage());
    }

    @Test
    void rejectedCredentialsAreNotRetryableAndNeverEchoed() throws Exception {
        // A server that quotes the password back must not get it into our message either.
        fake.fail("experiments/get-by-name", status(401,
                "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"wrong password " + PASSWORD + "\"}"));
        MlflowSink s = new MlflowSink(MlflowEndpoint.of(fake.uri(), "fake", MlflowCredentials.basic("ann", PASSWORD)));
        sink = s;
        SinkException e = assertThrows(SinkException.class, () -> s.open("run-1", "x", runDir));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("MLFLOW_TRACKING_USERNAME"), e.getMessage());
        String basic = Base64.getEncoder().encodeToString(("ann:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertFalse(e.getMessage().contains(PASSWORD) || e.getMessage().contains(basic), e.getMessage());
        assertEquals("Basic " + basic, fake.requests("experiments/get-by-name").get(0).getHeaders().get("Authorization"));
        assertEquals(1, fake.requests("experiments/get-by-name").size(), "a 401 is not retried");
    }

    @Test
    void tokenIsSentAsBearerToTrackingAndArtifactCalls() throws Exception {
        Files.writeString(runDir.resolve("spec.yaml"), "name: x\n");
        open(MlflowCredentials.token(TOKEN));
        sink.send(List.of(entry(new RunEvent.Artifact(1, 0, "spec", "spec.yaml"))));
        assertEquals("Bearer " + TOKEN, fake.requests("runs/get").get(0).getHeaders().get("Authorization"));
        assertEquals("Bearer " + TOKEN, fake.requests("spec.yaml").get(0).getHeaders().get("Authorization"));

        fake.fail("spec.yaml", status(403, "{\"error_code\":\"PERMISSION_DENIED\",\"message\":\"token " + TOKEN + " read-only\"}"));
        SinkException e = assertThrows(SinkException.class,
                () -> sink.send(List.of(entry(new RunEvent.Artifact(2, 0, "spec", "spec.yaml")))));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("PERMISSION_DENIED"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    }

    @Test
    void rejectedRequestsAreNotRetryable() throws Exception {
        open(MlflowCredentials.NONE);
        fake.fail("runs/log-batch", status(400,
                "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"Invalid value for metric\"}"));
        SinkException e = assertThrows(SinkException.class, () -> sink.send(metrics(1, 1)));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("INVALID_PARAMETER_VALUE: Invalid value for metric"), e.getMessage());
        assertEquals(0, e.retryAfterMillis());
    }

    @Test
    void checkpointFilesAlreadyOnTheServerAreNotUploadedAgain() throws Exception {
        Path ckpt = runDir.resolve("checkpoints/step-000002");
        Files.createDirectories(ckpt);
        Files.write(ckpt.resolve("unet.safetensors"), new byte[1234]);
        open(MlflowCredentials.NONE);
        String listing = "{\"files\":[{\"path\":\"unet.safetensors\",\"is_dir\":false,\"file_size\":1234}]}";
        fake.fail("mlflow-artifacts/artifacts", FakeMlflowServer.answer(b -> b.body(listing), false));
        sink.send(List.of(entry(new RunEvent.Artifact(1, 2, "checkpoint", "checkpoints/step-000002"))));
        assertEquals(List.of("GET"), fake.requests("mlflow-artifacts/artifacts").stream().map(r -> r.getMethod()).toList());
        assertTrue(fake.requests("unet.safetensors").isEmpty(), "same-size checkpoint file is not re-uploaded");
    }

    private List<JournalEntry> metrics(long step, double loss) {
        return List.of(entry(new RunEvent.Metrics(step, step, Map.of("loss", loss))));
    }

    private JournalEntry entry(RunEvent event) {
        return new JournalEntry(++seq, event);
    }
}
