package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.T0;
import static org.coverlab.track.wandb.WandbTestSupport.entry;
import static org.coverlab.track.wandb.WandbTestSupport.metrics;
import static org.coverlab.track.wandb.WandbTestSupport.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import mockwebserver3.RecordedRequest;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.run.JournalEntry;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.run.RunEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact requests the sink makes, as the W&B SDK makes them (see shared/reference/wandb-wire.md). */
class WandbSinkWireTest {

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    FakeWandbServer server;
    WandbSink sink;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
        sink = WandbTestSupport.sink(WandbTestSupport.settings(server, TrackingSpec.Resume.ALLOW, home));
    }

    @AfterEach
    void stop() {
        sink.close();
        server.shutdown();
    }

    @Test
    void apiRequestsCarryBasicAuthForUserApi() throws Exception {
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, started(false, T0)), entry(2, metrics(0, 1.0))));
        String expected = "Basic " + Base64.getEncoder().encodeToString(("api:" + KEY).getBytes(StandardCharsets.UTF_8));
        List<RecordedRequest> api = server.requests.stream().filter(r -> !r.getUrl().encodedPath().startsWith("/upload/")).toList();
        assertFalse(api.isEmpty());
        for (RecordedRequest request : api) {
            assertEquals(expected, request.getHeaders().get("Authorization"), request.getRequestLine());
        }
    }

    @Test
    void openAsksResumeStatusThenUpsertsTheRunWithWandbTelemetryInConfig() throws Exception {
        sink.open("abcd1234", "te-8ep", runDir);
        JsonNode status = server.graphql("RunResumeStatus").get(0).path("variables");
        assertEquals("covers", status.path("project").asText());
        assertEquals("lab", status.path("entity").asText());
        assertEquals("abcd1234", status.path("name").asText());

        JsonNode upsert = server.graphql("UpsertBucket").get(0);
        assertTrue(upsert.path("query").asText().contains("modelName: $project"));
        assertTrue(upsert.path("query").asText().contains("entityName: $entity"));
        JsonNode vars = upsert.path("variables");
        assertEquals("abcd1234", vars.path("name").asText());
        assertEquals("covers", vars.path("project").asText());
        assertEquals("lab", vars.path("entity").asText());
        assertEquals("te-8ep", vars.path("displayName").asText());
        assertFalse(vars.has("id"), "the storage id is not known for a new run");
        assertTrue(upsert.path("query").asText().contains("jobProgram: $program"), "the SDK's input mapping");
        assertEquals("coverlab", vars.path("program").asText());
        assertTrue(vars.path("host").isTextual());
        for (JsonNode any : server.graphql("UpsertBucket")) {
            assertTrue(any.path("variables").path("state").isMissingNode(), "state is left to the server, as the SDK does");
        }
        assertTrue(vars.path("config").isTextual(), "config is a JSON string");
        JsonNode config = FakeWandbServer.parse(vars.path("config").asText());
        assertTrue(config.path("_wandb").path("value").path("t").isObject(), "config has _wandb.value.t: " + config);
    }

    @Test
    void startedEventSendsTheConfigNestedBySectionInValueObjects() throws Exception {
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, started(false, T0))));
        List<JsonNode> upserts = server.graphql("UpsertBucket");
        JsonNode config = FakeWandbServer.parse(upserts.get(upserts.size() - 1).path("variables").path("config").asText());
        assertEquals(1e-4, config.path("train").path("value").path("lr").asDouble(), "dotted keys nest by section: " + config);
        assertEquals(8, config.path("train").path("value").path("epochs").asInt());
        assertTrue(config.path("_wandb").path("value").has("t"));
    }

    @Test
    void historyLinesCarryStepRuntimeAndTimestampAtContinuingOffsets() throws Exception {
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, started(false, T0)), entry(2, metrics(1, 0.9)), entry(3, metrics(2, 0.8))));
        sink.send(List.of(entry(4, metrics(3, 0.7))));

        String path = "/files/lab/covers/abcd1234/file_stream";
        assertEquals(path, server.to("/files/").get(0).getUrl().encodedPath());
        assertEquals("application/json", server.to("/files/").get(0).getHeaders().get("Content-Type"));
        List<JsonNode> bodies = server.fileStreamBodies();
        JsonNode first = bodies.get(0).path("files").path("wandb-history.jsonl");
        assertEquals(0, first.path("offset").asInt());
        assertEquals(2, first.path("content").size());
        JsonNode row = FakeWandbServer.parse(first.path("content").get(1).asText());
        assertEquals(2, row.path("_step").asLong());
        assertTrue(row.path("_step").isIntegralNumber());
        assertEquals(2.0, row.path("_runtime").asDouble(), 1e-9, "seconds since the Started event");
        assertEquals((T0 + 2000) / 1000.0, row.path("_timestamp").asDouble(), 1e-6);
        assertEquals(0.8, row.path("loss").asDouble());

        JsonNode second = bodies.get(1).path("files").path("wandb-history.jsonl");
        assertEquals(2, second.path("offset").asInt(), "offset is the line number of the first line sent");
        assertEquals(List.of(1L, 2L, 3L), server.existing("lab/covers/abcd1234").historySteps());
    }

    @Test
    void summaryIsTheWholeSummaryAtOffsetZero() throws Exception {
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, metrics(1, 0.9))));
        sink.send(List.of(entry(2, new RunEvent.Summary(T0 + 5000, Map.of("fid", 42.5)))));
        JsonNode summary = server.fileStreamBodies().get(1).path("files").path("wandb-summary.json");
        assertEquals(0, summary.path("offset").asInt());
        assertEquals(1, summary.path("content").size());
        JsonNode whole = FakeWandbServer.parse(summary.path("content").get(0).asText());
        assertEquals(42.5, whole.path("fid").asDouble());
        assertEquals(0.9, whole.path("loss").asDouble(), "earlier values stay in the summary");
        assertEquals(1, whole.path("_step").asLong());
    }

    @Test
    void imagesAreUploadedThroughCreateRunFilesAndAPutWithoutTheKey() throws Exception {
        Path grid = WandbTestSupport.png(runDir.resolve("samples/step-10/grid.png"), 4, 3);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(grid)));
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, metrics(10, 0.5)),
                entry(2, new RunEvent.Image(T0 + 11_000, 10, "samples/grid", "samples/step-10/grid.png", "fixed latents"))));

        String media = "media/images/samples/grid_10_" + sha.substring(0, 20) + ".png";
        JsonNode create = server.graphql("CreateRunFiles").get(0).path("variables");
        assertEquals("lab", create.path("entity").asText());
        assertEquals("covers", create.path("project").asText());
        assertEquals("abcd1234", create.path("run").asText());
        assertEquals(media, create.path("files").get(0).asText());

        RecordedRequest put = server.to("/upload/").get(0);
        assertEquals("PUT", put.getMethod());
        assertNull(put.getHeaders().get("Authorization"), "no W&B key on the signed URL");
        assertEquals("yes", put.getHeaders().get("X-Fake-Header"), "uploadHeaders entries are sent");
        assertTrue(server.violations.isEmpty(), server.violations.toString());
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(grid), run.files.get(media)));

        JsonNode body = server.fileStreamBodies().get(0);
        assertEquals(List.of(media), FakeWandbServer.JSON.convertValue(body.path("uploaded"), List.class));
        assertEquals(1, run.history.size(), "metrics and image of one step share one row");
        JsonNode image = FakeWandbServer.parse(run.history.get(0)).path("samples/grid");
        assertEquals("image-file", image.path("_type").asText());
        assertEquals(media, image.path("path").asText());
        assertEquals(sha, image.path("sha256").asText());
        assertEquals(Files.size(grid), image.path("size").asLong());
        assertEquals("png", image.path("format").asText());
        assertEquals(4, image.path("width").asInt());
        assertEquals(3, image.path("height").asInt());
        assertEquals("fixed latents", image.path("caption").asText());
    }

    @Test
    void aLateImageIsMergedIntoItsStepsRowAtTheSameOffset() throws Exception {
        WandbTestSupport.png(runDir.resolve("samples/g.png"), 2, 2);
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, metrics(5, 0.5)), entry(2, metrics(6, 0.4))));
        sink.send(List.of(entry(3, new RunEvent.Image(T0 + 7000, 6, "grid", "samples/g.png", ""))));
        JsonNode history = server.fileStreamBodies().get(1).path("files").path("wandb-history.jsonl");
        assertEquals(1, history.path("offset").asInt(), "the step-6 row is re-sent where it is");
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertEquals(List.of(5L, 6L), run.historySteps());
        JsonNode row = FakeWandbServer.parse(run.history.get(1));
        assertEquals(0.4, row.path("loss").asDouble());
        assertEquals("image-file", row.path("grid").path("_type").asText());
    }

    @Test
    void reportsGoUpAsRunFilesAtTheirRunPath() throws Exception {
        Path eval = runDir.resolve("eval");
        Files.createDirectories(eval);
        Files.writeString(eval.resolve("fid.json"), "{\"fid\": 88.5}");
        Files.writeString(eval.resolve("report.md"), "# report");
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, new RunEvent.Artifact(T0, 500, "report", "eval"))));
        JsonNode files = server.graphql("CreateRunFiles").get(0).path("variables").path("files");
        assertEquals(List.of("eval/fid.json", "eval/report.md"), FakeWandbServer.JSON.convertValue(files, List.class));
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertEquals("# report", new String(run.files.get("eval/report.md"), StandardCharsets.UTF_8));
        assertTrue(run.uploaded.contains("eval/fid.json"));
    }

    @Test
    void checkpointsBecomeArtifactVersionsAliasedLatest() throws Exception {
        Path ckpt = runDir.resolve("checkpoints/step-000500");
        Files.createDirectories(ckpt.resolve("unet"));
        Files.writeString(ckpt.resolve("unet/diffusion_pytorch_model.safetensors"), "weights");
        Files.writeString(ckpt.resolve("state.json"), "{}");
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, new RunEvent.Artifact(T0, 500, "checkpoint", "checkpoints/step-000500"))));

        List<String> operations = server.to("/graphql").stream().map(r -> FakeWandbServer.parse(r.getBody().utf8())
                .path("query").asText().replaceAll("(?s)^\\s*(mutation|query) (\\w+).*", "$2")).toList();
        assertEquals(List.of("RunResumeStatus", "UpsertBucket", "CreateArtifact", "CreateArtifactManifest",
                "CreateArtifactFiles", "CreateArtifactManifest", "CommitArtifact"), operations, "the SDK 0.31's sequence");

        String unetMd5 = md5b64("weights".getBytes(StandardCharsets.UTF_8));
        String stateMd5 = md5b64("{}".getBytes(StandardCharsets.UTF_8));
        String expectedDigest = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(
                ("wandb-artifact-manifest-v1\nstate.json:" + stateMd5 + "\nunet/diffusion_pytorch_model.safetensors:"
                        + unetMd5 + "\n").getBytes(StandardCharsets.UTF_8)));
        JsonNode create = server.graphql("mutation CreateArtifact ").get(0).path("variables").path("input");
        assertEquals(500, create.path("historyStep").asLong(), "the version links to the step it was saved at");
        assertEquals("model", create.path("artifactTypeName").asText());
        assertEquals("model-abcd1234", create.path("artifactCollectionName").asText());
        assertEquals("abcd1234", create.path("runName").asText());
        assertEquals("MANIFEST_MD5", create.path("digestAlgorithm").asText());
        assertEquals(expectedDigest, create.path("digest").asText());
        assertTrue(create.path("enableDigestDeduplication").asBoolean());
        assertEquals("latest", create.path("aliases").get(0).path("alias").asText());
        assertEquals("model-abcd1234", create.path("aliases").get(0).path("artifactCollectionName").asText());
        assertEquals("step-500", create.path("aliases").get(1).path("alias").asText());
        List<JsonNode> manifestCalls = server.graphql("mutation CreateArtifactManifest ");
        JsonNode manifestVars = manifestCalls.get(0).path("variables");
        assertEquals("wandb_manifest.json", manifestVars.path("name").asText());
        assertEquals("", manifestVars.path("digest").asText());
        assertEquals("FULL", manifestVars.path("manifestType").asText());
        assertFalse(manifestVars.path("includeUpload").asBoolean());
        assertTrue(manifestCalls.get(1).path("variables").path("includeUpload").asBoolean(), "the second asks for the upload URL");
        assertEquals("V2", server.graphql("mutation CreateArtifactFiles ").get(0).path("variables").path("input")
                .path("storageLayout").asText());

        FakeWandbServer.Artifact artifact = server.artifacts.get("art1");
        assertEquals("COMMITTED", artifact.state);
        assertEquals(Map.of("state.json", stateMd5, "unet/diffusion_pytorch_model.safetensors", unetMd5), artifact.expectedMd5);
        assertEquals("weights", new String(artifact.files.get("unet/diffusion_pytorch_model.safetensors"), StandardCharsets.UTF_8));
        JsonNode manifest = FakeWandbServer.parse(new String(artifact.manifest, StandardCharsets.UTF_8));
        assertEquals(1, manifest.path("version").asInt());
        assertEquals("wandb-storage-policy-v1", manifest.path("storagePolicy").asText());
        assertEquals("V2", manifest.path("storagePolicyConfig").path("storageLayout").asText());
        assertEquals(unetMd5, manifest.path("contents").path("unet/diffusion_pytorch_model.safetensors").path("digest").asText());
        assertEquals(7, manifest.path("contents").path("unet/diffusion_pytorch_model.safetensors").path("size").asInt());
        manifest.path("contents").forEach(entry -> assertEquals("art1", entry.path("birthArtifactID").asText()));
        assertEquals(md5b64(artifact.manifest), artifact.manifestDigest);
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }

    @Test
    void anUnchangedCheckpointIsNotUploadedAgain() throws Exception {
        Path ckpt = runDir.resolve("checkpoints/step-000500");
        Files.createDirectories(ckpt);
        Files.writeString(ckpt.resolve("weights.safetensors"), "weights");
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, new RunEvent.Artifact(T0, 500, "checkpoint", "checkpoints/step-000500"))));
        int uploads = server.to("/upload-").size();
        sink.send(List.of(entry(2, new RunEvent.Artifact(T0, 500, "checkpoint", "checkpoints/step-000500"))));
        assertEquals(uploads, server.to("/upload-").size(), "deduplicated by digest: nothing uploaded");
        assertEquals(1, server.artifacts.size());
    }

    @Test
    void aCheckpointPrunedWhileItUploadsIsSkippedWithoutRetryingTheBatchAndItsHistoryGoesThrough() throws Exception {
        Path ckpt = runDir.resolve("checkpoints/10");
        Files.createDirectories(ckpt);
        Files.writeString(ckpt.resolve("checkpoint.json"), "{}");
        // train.keep_last deletes the folder after W&B has handed out the upload URLs, before the file is sent.
        server.faults = request -> {
            if (request.getUrl().encodedPath().equals("/graphql") && request.getBody().utf8().contains("CreateArtifactFiles")) {
                try (var files = Files.walk(ckpt)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return FakeWandbServer.Fault.NONE;
        };
        sink.open("abcd1234", "te-8ep", runDir);
        List<JournalEntry> batch = List.of(entry(1, metrics(10, 0.5)),
                entry(2, new RunEvent.Artifact(T0, 10, "checkpoint", "checkpoints/10")), entry(3, metrics(11, 0.4)));
        sink.send(batch); // no exception: retrying the batch cannot bring the checkpoint back
        assertEquals(List.of(10L, 11L), server.existing("lab/covers/abcd1234").historySteps());
        assertEquals(1, server.to("/files/").size(), "the history went up once, before the checkpoint");
        assertTrue(server.artifacts.values().stream().noneMatch(a -> a.state.equals("COMMITTED")), "no version of a checkpoint that is gone");
    }

    @Test
    void historyReachesTheServerBeforeACheckpointUploadThatFailsAndIsNotSentAgainOnTheRetry() throws Exception {
        Path ckpt = runDir.resolve("checkpoints/10");
        Files.createDirectories(ckpt);
        Files.writeString(ckpt.resolve("checkpoint.json"), "{}");
        java.util.concurrent.atomic.AtomicBoolean failUploads = new java.util.concurrent.atomic.AtomicBoolean(true);
        server.faults = request -> failUploads.get() && request.getUrl().encodedPath().startsWith("/upload-artifact/")
                ? FakeWandbServer.Fault.HTTP_500 : FakeWandbServer.Fault.NONE;
        sink.open("abcd1234", "te-8ep", runDir);
        List<JournalEntry> batch = List.of(entry(1, metrics(9, 0.6)), entry(2, metrics(10, 0.5)),
                entry(3, new RunEvent.Artifact(T0, 10, "checkpoint", "checkpoints/10")));
        assertThrows(SinkException.class, () -> sink.send(batch));
        assertEquals(List.of(9L, 10L), server.existing("lab/covers/abcd1234").historySteps(), "the history did not wait");
        int streamed = server.to("/files/").size();

        failUploads.set(false);
        sink.send(batch); // the sender's retry
        assertEquals(streamed, server.to("/files/").size(), "the retry sent the checkpoint, not the history again");
        assertTrue(server.artifacts.values().stream().anyMatch(a -> a.state.equals("COMMITTED")));
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }

    private static String md5b64(byte[] bytes) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    }

    @Test
    void consoleLinesGoToOutputLogWithOffsetsAndTheLastBodyCompletesTheRun() throws Exception {
        Files.writeString(runDir.resolve("run.log"), "line one\nline two\n");
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, metrics(1, 0.5))));
        Files.writeString(runDir.resolve("run.log"), "line three\nno newline yet", java.nio.file.StandardOpenOption.APPEND);
        sink.send(List.of(entry(2, metrics(2, 0.4)), entry(3, new RunEvent.Finished(T0 + 9000, "finished", 0))));

        List<JsonNode> bodies = server.fileStreamBodies();
        JsonNode firstOutput = bodies.get(0).path("files").path("output.log");
        assertEquals(0, firstOutput.path("offset").asInt());
        assertEquals(2, firstOutput.path("content").size());
        JsonNode last = bodies.get(bodies.size() - 1);
        JsonNode output = last.path("files").path("output.log");
        assertEquals(2, output.path("offset").asInt());
        assertEquals("line three", WandbTestSupport.untimed(output.path("content").get(0).asText()));
        assertEquals("no newline yet", WandbTestSupport.untimed(output.path("content").get(1).asText()),
                "the end of the run flushes a partial line");
        assertTrue(last.path("complete").asBoolean());
        assertEquals(0, last.path("exitcode").asInt());
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertTrue(run.complete);
        assertEquals(List.of("line one", "line two", "line three", "no newline yet"), WandbTestSupport.untimed(run.output));
    }

    @Test
    void failedRunReportsItsExitCode() throws Exception {
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, new RunEvent.Finished(T0, "failed", 1))));
        JsonNode last = server.fileStreamBodies().get(0);
        assertTrue(last.path("complete").asBoolean());
        assertEquals(1, last.path("exitcode").asInt());
    }

    @Test
    void emptyEntityIsTakenFromTheViewer() throws Exception {
        TrackingSpec noEntity = new TrackingSpec(List.of(TrackingSpec.Backend.WANDB), "covers", "", "", TrackingSpec.Resume.ALLOW, 5, true);
        WandbSink own = WandbTestSupport.sink(WandbSettings.resolve(noEntity, WandbTestSupport.env(server), home));
        try {
            own.open("abcd1234", "te-8ep", runDir);
            own.send(List.of(entry(1, metrics(1, 0.5))));
        } finally {
            own.close();
        }
        assertEquals(1, server.graphql("query Viewer").size());
        assertEquals("default-team", server.graphql("RunResumeStatus").get(0).path("variables").path("entity").asText());
        assertEquals("/files/default-team/covers/abcd1234/file_stream", server.to("/files/").get(0).getUrl().encodedPath());
    }

    @Test
    void nonFiniteMetricsAreWrittenAsPythonDoes() throws Exception {
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, new RunEvent.Metrics(T0, 1, Map.of("loss", Double.NaN)))));
        String line = server.fileStreamBodies().get(0).path("files").path("wandb-history.jsonl").path("content").get(0).asText();
        assertTrue(line.contains("\"loss\":NaN"), line);
    }

    @Test
    void largeBatchesAreSplitIntoRequestsWithContiguousOffsets() throws Exception {
        WandbSink small = new WandbSink(WandbTestSupport.settings(server, TrackingSpec.Resume.ALLOW, home),
                WandbSink.httpClient(WandbTestSupport.fastRetries()), java.time.Duration.ofMinutes(5), 300,
                java.time.Clock.systemUTC());
        try {
            small.open("abcd1234", "te-8ep", runDir);
            List<JournalEntry> batch = new java.util.ArrayList<>();
            for (int step = 1; step <= 20; step++) {
                batch.add(entry(step, metrics(step, 1.0 / step)));
            }
            batch.add(entry(21, new RunEvent.Finished(T0 + 30_000, "finished", 0)));
            small.send(batch);
        } finally {
            small.close();
        }
        List<JsonNode> bodies = server.fileStreamBodies();
        assertTrue(bodies.size() > 3, "split into " + bodies.size() + " requests");
        long expectedOffset = 0;
        for (JsonNode body : bodies) {
            JsonNode history = body.path("files").path("wandb-history.jsonl");
            if (history.isMissingNode()) {
                continue;
            }
            assertEquals(expectedOffset, history.path("offset").asLong());
            expectedOffset += history.path("content").size();
            assertTrue(body.toString().length() < 600, "each request stays near the limit");
        }
        assertEquals(20, expectedOffset);
        JsonNode last = bodies.get(bodies.size() - 1);
        assertTrue(last.path("complete").asBoolean() && last.path("files").has("wandb-summary.json"));
        for (JsonNode body : bodies.subList(0, bodies.size() - 1)) {
            assertFalse(body.has("complete"), "only the last request completes the run");
        }
        assertEquals(steps(1, 20), server.existing("lab/covers/abcd1234").historySteps());
    }

    @Test
    void anIdleRunSendsHeartbeatsUntilItFinishes() throws Exception {
        WandbSink beating = new WandbSink(WandbTestSupport.settings(server, TrackingSpec.Resume.ALLOW, home),
                WandbSink.httpClient(WandbTestSupport.fastRetries()), java.time.Duration.ofMillis(100),
                FileStreamRequests.DEFAULT_MAX_BYTES, java.time.Clock.systemUTC());
        try {
            beating.open("abcd1234", "te-8ep", runDir);
            Thread.sleep(450);
            long beats = server.fileStreamBodies().stream().filter(b -> b.isEmpty()).count();
            assertTrue(beats >= 2, "heartbeats: " + beats);
            beating.send(List.of(entry(1, new RunEvent.Finished(T0, "finished", 0))));
            int after = server.fileStreamBodies().size();
            Thread.sleep(300);
            assertEquals(after, server.fileStreamBodies().size(), "no heartbeat after the run completed");
        } finally {
            beating.close();
        }
    }

    private static List<Long> steps(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void consoleLinesTakeTheTimeRunLogStampedThemOnceNotTwice() throws Exception {
        Files.writeString(runDir.resolve("run.log"), "2026-03-01 12:34:56 INFO [train] epoch 1\n\tat a.stack.Frame\n");
        sink.open("abcd1234", "te-8ep", runDir);
        sink.send(List.of(entry(1, new RunEvent.Finished(T0, "finished", 0))));
        assertEquals(List.of("2026-03-01T12:34:56.000000 INFO [train] epoch 1",
                "2026-03-01T12:34:56.000000 \tat a.stack.Frame"), server.existing("lab/covers/abcd1234").output);
    }
}
