package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.run.RunEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resume, compared with the wandb SDK 0.31.0 resuming the same server-side run (capture sdk-wire-resume.json from
 * scripts/refvectors/wandb_wire.py): the same RunResumeStatus question, the storage id in UpsertBucket, and history,
 * console and summary continuing at the offsets, step and runtime the SDK continues at.
 */
class WandbSdkResumeConformanceTest {

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    @Test
    void resumeContinuesWhereTheSdkContinues() throws Exception {
        JsonNode capture;
        try (InputStream in = getClass().getResourceAsStream("/conformance/wandb/sdk-wire-resume.json")) {
            capture = FakeWandbServer.JSON.readTree(in);
        }
        JsonNode existing = capture.path("existing");
        FakeWandbServer server = new FakeWandbServer(KEY);
        try {
            FakeWandbServer.Run run = server.run("lab", "covers", "abcd1234");
            FakeWandbServer.parse(existing.path("historyTail").asText()).forEach(line -> run.history.add(line.asText()));
            for (int i = 0; i < existing.path("logLineCount").asInt(); i++) {
                run.output.add("old line " + i);
            }
            run.summary = existing.path("summaryMetrics").asText();
            run.config = (ObjectNode) FakeWandbServer.parse(existing.path("config").asText());
            run.config.putObject("_wandb").putObject("value").set("t",
                    FakeWandbServer.parse(existing.path("wandbConfig").asText()).path("t"));
            Files.writeString(runDir.resolve("run.log"), "old line 0\nold line 1\nold line 2\nresumed line\n");

            WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, TrackingSpec.Resume.ALLOW, home));
            long now = System.currentTimeMillis();
            try {
                sink.open("abcd1234", "run", runDir);
                sink.send(List.of(entry(1, new RunEvent.Started(now, "abcd1234", "run", Map.of("train.lr", 1e-4), true)),
                        entry(2, new RunEvent.Metrics(now + 20, 5, Map.of("loss", 0.1))),
                        entry(3, new RunEvent.Finished(now + 30, "finished", 0))));
            } finally {
                sink.close();
            }

            List<JsonNode> sdkGraphql = new ArrayList<>();
            List<JsonNode> sdkStreams = new ArrayList<>();
            capture.path("requests").forEach(r -> {
                if (r.path("path").asText().equals("/graphql")) {
                    sdkGraphql.add(r.path("body"));
                } else if (r.path("path").asText().endsWith("/file_stream")) {
                    sdkStreams.add(r.path("body"));
                }
            });
            JsonNode sdkStatus = sdkGraphql.stream().filter(b -> b.path("query").asText().contains("RunResumeStatus"))
                    .findFirst().orElseThrow();
            assertEquals(sdkStatus.path("variables"), server.graphql("RunResumeStatus").get(0).path("variables"));
            JsonNode sdkUpsert = sdkGraphql.stream().filter(b -> b.path("query").asText().contains("UpsertBucket"))
                    .findFirst().orElseThrow();
            assertEquals(existing.path("id"), sdkUpsert.path("variables").path("id"), "the SDK sends the storage id");
            assertEquals("storage-abcd1234", server.graphql("UpsertBucket").get(0).path("variables").path("id").asText(),
                    "so does the sink: the id RunResumeStatus returned");

            JsonNode theirs = sdkStreams.get(sdkStreams.size() - 1);
            List<JsonNode> ourStreams = server.fileStreamBodies();
            JsonNode ours = ourStreams.get(ourStreams.size() - 1);
            for (String file : List.of("wandb-history.jsonl", "output.log", "wandb-summary.json")) {
                assertEquals(theirs.path("files").path(file).path("offset"), ours.path("files").path(file).path("offset"), file);
                assertEquals(theirs.path("files").path(file).path("content").size(), ours.path("files").path(file).path("content").size(), file);
            }
            JsonNode theirRow = FakeWandbServer.parse(theirs.path("files").path("wandb-history.jsonl").path("content").get(0).asText());
            JsonNode ourRow = FakeWandbServer.parse(ours.path("files").path("wandb-history.jsonl").path("content").get(0).asText());
            assertEquals(theirRow.path("_step"), ourRow.path("_step"));
            double lastRuntime = FakeWandbServer.parse(existing.path("summaryMetrics").asText()).path("_runtime").asDouble();
            for (JsonNode row : List.of(theirRow, ourRow)) {
                double runtime = row.path("_runtime").asDouble();
                assertTrue(runtime >= lastRuntime && runtime < lastRuntime + 1, "runtime continues from " + lastRuntime + ": " + runtime);
            }
            assertEquals("resumed line", WandbTestSupport.untimed(ours.path("files").path("output.log").path("content").get(0).asText()));
            assertEquals(theirs.path("complete"), ours.path("complete"));
        } finally {
            server.shutdown();
        }
    }
}
