package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.T0;
import static org.coverlab.track.wandb.WandbTestSupport.entry;
import static org.coverlab.track.wandb.WandbTestSupport.metrics;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.coverlab.run.RunEvent;
import org.coverlab.spec.TrackingSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run files the SDK writes, compared with what wandb 0.31 uploaded in {@code conformance/wandb/sdk-wire-metadata.json}
 * (captured by {@code scripts/refvectors/wandb_wire.py --part metadata}): {@code wandb-metadata.json} uses only the
 * SDK's field names (its EnvironmentRecord message) with the same JSON types, plus coverlab's {@code java};
 * {@code config.yaml} is the UpsertBucket config as the SDK's YAML (sections as {@code value}, the metadata under
 * {@code _wandb.value.e.<writerId>}); the resolved {@code spec.yaml} goes up as it is; all are listed as uploaded.
 */
class WandbSdkRunFilesConformanceTest {

    /** coverlab's own metadata field: the JVM, where the SDK writes its Python. */
    private static final Set<String> OWN_FIELDS = Set.of("java");

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    FakeWandbServer server;
    WandbSink sink;
    JsonNode sdk;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
        sink = WandbTestSupport.sink(WandbTestSupport.settings(server, TrackingSpec.Resume.ALLOW, home));
        try (InputStream in = getClass().getResourceAsStream("/conformance/wandb/sdk-wire-metadata.json")) {
            sdk = FakeWandbServer.JSON.readTree(in);
        }
    }

    @AfterEach
    void stop() {
        sink.close();
        server.shutdown();
    }

    @Test
    void metadataConfigYamlAndSpecGoUpAsTheSdkWritesThem() throws Exception {
        Files.writeString(runDir.resolve("spec.yaml"), "name: te\ntrain:\n  lr: 1.0e-4\n");
        sink.open("abcd1234", "te", runDir);
        sink.send(List.of(entry(1, new RunEvent.Started(T0, "abcd1234", "te", Map.of("train.lr", 1e-4), false)),
                entry(2, metrics(1, 0.5))));
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");

        // wandb-metadata.json: the SDK's field names and JSON types.
        JsonNode ours = FakeWandbServer.JSON.readTree(run.files.get("wandb-metadata.json"));
        JsonNode theirs = FakeWandbServer.JSON.readTree(sdkUpload("/upload/wandb-metadata.json"));
        Set<String> allowed = new HashSet<>(OWN_FIELDS);
        sdk.path("environmentRecordFields").forEach(f -> allowed.add(f.asText()));
        ours.fieldNames().forEachRemaining(f -> assertTrue(allowed.contains(f), "not an SDK metadata field: " + f));
        for (String field : List.of("os", "java", "startedAt", "program", "host", "executable", "cpu_count",
                "cpu_count_logical", "memory", "root", "writerId")) {
            assertTrue(ours.has(field), "metadata has " + field + ": " + ours);
        }
        ours.fields().forEachRemaining(e -> {
            JsonNode sdkValue = theirs.get(e.getKey());
            if (sdkValue != null) {
                assertSameShape(e.getKey(), sdkValue, e.getValue());
            }
        });
        assertEquals(java.time.Instant.ofEpochMilli(T0).toString(), ours.path("startedAt").asText(), "the run's start time");

        // config.yaml: the same tree as the config UpsertBucket carries, laid out as the SDK's YAML.
        List<JsonNode> upserts = server.graphql("UpsertBucket");
        JsonNode config = FakeWandbServer.JSON.readTree(upserts.get(upserts.size() - 1).path("variables").path("config").asText());
        String yaml = new String(run.files.get("config.yaml"), StandardCharsets.UTF_8);
        assertEquals(config, new YAMLMapper().readTree(yaml), "config.yaml is the run's config");
        assertEquals(ours, config.path("_wandb").path("value").path("e").path(ours.path("writerId").asText()),
                "the config carries the metadata under _wandb.value.e.<writerId>, as the SDK's does");
        String sdkYaml = sdkUpload("/upload/config.yaml");
        JsonNode sdkConfig = new YAMLMapper().readTree(sdkYaml);
        config.path("_wandb").path("value").fieldNames().forEachRemaining(k ->
                assertTrue(sdkConfig.path("_wandb").path("value").has(k), "_wandb.value." + k + " is an SDK key"));
        assertTrue(yaml.startsWith("_wandb:\n    value:\n") || yaml.contains("\n_wandb:\n    value:\n"),
                "four-space indents as the SDK writes: " + yaml);
        assertTrue(sdkYaml.contains("\n    value:\n"), "the SDK's layout, as captured");
        assertTrue(yaml.contains("\ntrain:\n    value:\n        lr: ") || yaml.startsWith("train:\n    value:\n        lr: "), yaml);
        assertFalse(yaml.startsWith("---"), "no document marker, as in the SDK's file");

        // spec.yaml as it is; all three listed as uploaded, as the SDK lists its run files.
        assertArrayEquals(Files.readAllBytes(runDir.resolve("spec.yaml")), run.files.get("spec.yaml"));
        assertTrue(run.uploaded.containsAll(List.of("wandb-metadata.json", "config.yaml", "spec.yaml")), run.uploaded.toString());
        Set<String> sdkUploaded = new HashSet<>();
        sdk.path("requests").forEach(r -> r.path("body").path("uploaded").forEach(u -> sdkUploaded.add(u.asText())));
        assertTrue(sdkUploaded.containsAll(List.of("wandb-metadata.json", "config.yaml")), sdkUploaded.toString());
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }

    @Test
    void systemMetricsGoToTheEventsStreamOnceAsTheSdkWritesThem() throws Exception {
        Map<String, Double> sample = Map.of("system.cpu", 12.5, "system.proc.memory.rssMB", 300.0,
                "system.memory_percent", 40.0, "system.disk./.usagePercent", 23.0, "system.proc.memory.availableMB", 9000.0);
        sink.open("abcd1234", "te", runDir);
        sink.send(List.of(entry(1, WandbTestSupport.started(false, T0)),
                entry(2, new RunEvent.SystemMetrics(T0 + 15_000, sample)), entry(3, metrics(1, 0.5)),
                entry(4, new RunEvent.SystemMetrics(T0 + 30_000, sample))));
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertEquals(2, run.events.size(), run.events.toString());

        Set<String> sdkKeys = new HashSet<>();
        for (JsonNode r : sdk.path("requests")) {
            for (JsonNode line : r.path("body").path("files").path("wandb-events.jsonl").path("content")) {
                FakeWandbServer.JSON.readTree(line.asText()).fieldNames().forEachRemaining(sdkKeys::add);
            }
        }
        assertTrue(sdkKeys.containsAll(List.of("_wandb", "_timestamp", "_runtime", "system.cpu")), sdkKeys.toString());
        JsonNode first = FakeWandbServer.JSON.readTree(run.events.get(0));
        first.fieldNames().forEachRemaining(k -> assertTrue(sdkKeys.contains(k), "not an SDK events key: " + k));
        assertTrue(first.path("_wandb").asBoolean());
        assertEquals((T0 + 15_000) / 1000.0, first.path("_timestamp").asDouble(), 1e-9);
        assertEquals(15.0, first.path("_runtime").asDouble(), 1e-9, "runtime from the run's start");
        assertEquals(12.5, first.path("system.cpu").asDouble());

        // A replay after a resume (the journal re-read from its start) adds no sample twice; a new one follows.
        sink.close();
        sink = WandbTestSupport.sink(WandbTestSupport.settings(server, TrackingSpec.Resume.ALLOW, home));
        sink.open("abcd1234", "te", runDir);
        sink.send(List.of(entry(1, WandbTestSupport.started(true, T0 + 40_000)),
                entry(2, new RunEvent.SystemMetrics(T0 + 15_000, sample)),
                entry(3, new RunEvent.SystemMetrics(T0 + 30_000, sample)),
                entry(4, new RunEvent.SystemMetrics(T0 + 55_000, sample))));
        assertEquals(3, run.events.size(), run.events.toString());
        assertEquals((T0 + 55_000) / 1000.0, FakeWandbServer.JSON.readTree(run.events.get(2)).path("_timestamp").asDouble(), 1e-9);
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }

    private String sdkUpload(String path) {
        for (JsonNode r : sdk.path("requests")) {
            if (r.path("method").asText().equals("PUT") && r.path("path").asText().equals(path)) {
                return r.path("text").asText();
            }
        }
        throw new AssertionError("the capture has no upload of " + path);
    }

    /** Same JSON type (a 64-bit count is a string in both), and the same for every field both objects have. */
    private static void assertSameShape(String where, JsonNode sdkValue, JsonNode ours) {
        assertEquals(sdkValue.getNodeType(), ours.getNodeType(), where + ": " + sdkValue + " vs " + ours);
        if (sdkValue.isObject()) {
            ours.fields().forEachRemaining(e -> {
                if (sdkValue.has(e.getKey())) {
                    assertSameShape(where + "." + e.getKey(), sdkValue.get(e.getKey()), e.getValue());
                }
            });
        }
    }
}
