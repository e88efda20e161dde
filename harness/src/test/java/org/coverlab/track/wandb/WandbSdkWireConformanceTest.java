package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.T0;
import static org.coverlab.track.wandb.WandbTestSupport.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mockwebserver3.RecordedRequest;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.run.RunEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same small run sent by the wandb SDK 0.31.0 (captured by scripts/refvectors/wandb_wire.py into
 * sdk-wire.json) and by this sink: requests must agree in auth, content type, GraphQL variables and the shape of the
 * final file-stream request (history rows, summary, console lines, uploaded media, completion).
 */
class WandbSdkWireConformanceTest {

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    FakeWandbServer server;
    JsonNode sdk;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
        try (InputStream in = getClass().getResourceAsStream("/conformance/wandb/sdk-wire.json")) {
            sdk = FakeWandbServer.JSON.readTree(in);
        }
        assertEquals(KEY, sdk.path("key").asText(), "the capture used the tests' fake key");
        JsonNode history = FakeWandbServer.JSON.readTree(getClass().getResourceAsStream("/conformance/wandb/history.json"));
        Files.createDirectories(runDir.resolve("samples"));
        Files.write(runDir.resolve("samples/grid.png"), Base64.getDecoder().decode(history.path("png_base64").asText()));
        Files.writeString(runDir.resolve("run.log"), "line to console\n");
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, TrackingSpec.Resume.ALLOW, home));
        try {
            sink.open("abcd1234", "run", runDir);
            List<org.coverlab.run.JournalEntry> batch = new ArrayList<>();
            batch.add(entry(1, new RunEvent.Started(T0, "abcd1234", "run", Map.of("train.lr", 1e-4), false)));
            for (int step = 1; step <= 3; step++) {
                batch.add(entry(step + 1, new RunEvent.Metrics(T0 + step, step, Map.of("loss", 1.0 / step))));
            }
            batch.add(entry(5, new RunEvent.Image(T0 + 4, 4, "grid", "samples/grid.png", null)));
            batch.add(entry(6, new RunEvent.Summary(T0 + 5, Map.of("fid", 42.5))));
            batch.add(entry(7, new RunEvent.Finished(T0 + 6, "finished", 0)));
            sink.send(batch);
        } finally {
            sink.close();
        }
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    private List<JsonNode> sdkRequests(String method, String pathPrefix) {
        List<JsonNode> out = new ArrayList<>();
        sdk.path("requests").forEach(r -> {
            if (r.path("method").asText().equals(method) && r.path("path").asText().startsWith(pathPrefix)) {
                out.add(r);
            }
        });
        return out;
    }

    private JsonNode sdkGraphql(String operation) {
        return sdkRequests("POST", "/graphql").stream().filter(r -> r.path("body").path("query").asText().contains(operation))
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void authAndContentTypeAreTheSdks() {
        String sdkAuth = sdkRequests("POST", "/graphql").get(0).path("authorization").asText();
        for (RecordedRequest ours : server.requests) {
            if (ours.getUrl().encodedPath().startsWith("/upload")) {
                assertNull(ours.getHeaders().get("Authorization"));
            } else {
                assertEquals(sdkAuth, ours.getHeaders().get("Authorization"));
                assertEquals(sdkRequests("POST", "/files/").get(0).path("contentType").asText(), ours.getHeaders().get("Content-Type"));
            }
        }
        sdkRequests("PUT", "/upload/").forEach(put -> assertTrue(put.path("authorization").isNull(), "the SDK sends no key on PUT"));
    }

    @Test
    void graphqlVariablesAreOnesTheSdkSends() {
        JsonNode sdkUpsert = sdkGraphql("UpsertBucket").path("body").path("variables");
        for (JsonNode upsert : server.graphql("UpsertBucket")) {
            upsert.path("variables").fieldNames().forEachRemaining(name ->
                    assertTrue(sdkUpsert.has(name), "UpsertBucket variable " + name + " is one the SDK uses"));
        }
        JsonNode sdkConfig = FakeWandbServer.parse(sdkUpsert.path("config").asText());
        List<JsonNode> upserts = server.graphql("UpsertBucket");
        JsonNode ourConfig = FakeWandbServer.parse(upserts.get(upserts.size() - 1).path("variables").path("config").asText());
        assertEquals(sdkConfig.path("train"), ourConfig.path("train"));
        assertTrue(sdkConfig.path("_wandb").path("value").path("t").isObject());
        assertTrue(ourConfig.path("_wandb").path("value").path("t").isObject());
        assertEquals(names(sdkGraphql("CreateRunFiles").path("body").path("variables")),
                names(server.graphql("CreateRunFiles").get(0).path("variables")));
    }

    @Test
    void theFinalFileStreamRequestHasTheSdksShape() {
        List<JsonNode> sdkStreams = sdkRequests("POST", "/files/lab/covers/abcd1234/file_stream");
        JsonNode theirs = sdkStreams.get(sdkStreams.size() - 1).path("body");
        List<JsonNode> ourStreams = server.fileStreamBodies();
        JsonNode ours = ourStreams.get(ourStreams.size() - 1);

        assertEquals(names(theirs), names(ours));
        assertEquals(names(theirs.path("files")), names(ours.path("files")));
        assertEquals(theirs.path("complete"), ours.path("complete"));
        assertEquals(theirs.path("exitcode"), ours.path("exitcode"));
        for (String file : List.of("wandb-history.jsonl", "output.log", "wandb-summary.json")) {
            assertEquals(theirs.path("files").path(file).path("offset"), ours.path("files").path(file).path("offset"), file);
        }

        List<JsonNode> theirRows = lines(theirs, "wandb-history.jsonl");
        List<JsonNode> ourRows = lines(ours, "wandb-history.jsonl");
        assertEquals(theirRows.size(), ourRows.size());
        for (int i = 0; i < theirRows.size(); i++) {
            assertEquals(names(theirRows.get(i)), names(ourRows.get(i)), "row " + i);
            assertEquals(theirRows.get(i).path("_step").asLong(), ourRows.get(i).path("_step").asLong());
            assertTrue(ourRows.get(i).path("_step").isIntegralNumber() && theirRows.get(i).path("_step").isIntegralNumber());
        }
        JsonNode theirImage = theirRows.get(3).path("grid");
        JsonNode ourImage = ourRows.get(3).path("grid");
        assertEquals(names(theirImage), names(ourImage));
        for (String field : List.of("_type", "sha256", "size", "format", "width", "height")) {
            assertEquals(theirImage.path(field), ourImage.path(field), field);
        }
        String sha20 = ourImage.path("sha256").asText().substring(0, 20);
        assertTrue(theirImage.path("path").asText().matches("media/images/grid_\\d+_" + sha20 + "\\.png"));
        assertEquals("media/images/grid_4_" + sha20 + ".png", ourImage.path("path").asText());
        assertTrue(contains(theirs.path("uploaded"), theirImage.path("path").asText()));
        assertTrue(contains(ours.path("uploaded"), ourImage.path("path").asText()));

        JsonNode theirSummary = lines(theirs, "wandb-summary.json").get(0);
        JsonNode ourSummary = lines(ours, "wandb-summary.json").get(0);
        assertEquals(names(theirSummary), names(ourSummary));
        assertEquals(names(theirSummary.path("_wandb")), names(ourSummary.path("_wandb")));

        String timePrefix = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6} line to console";
        assertTrue(theirs.path("files").path("output.log").path("content").get(0).asText().matches(timePrefix));
        assertTrue(ours.path("files").path("output.log").path("content").get(0).asText().matches(timePrefix),
                ours.path("files").path("output.log").toString());
    }

    private static List<JsonNode> lines(JsonNode body, String file) {
        List<JsonNode> out = new ArrayList<>();
        body.path("files").path(file).path("content").forEach(line -> out.add(FakeWandbServer.parse(line.asText())));
        return out;
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
