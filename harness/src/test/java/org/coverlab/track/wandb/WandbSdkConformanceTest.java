package org.coverlab.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Formats checked against what the wandb SDK (0.31.0) itself produces: vectors made by
 * scripts/refvectors/wandb_formats.py (artifact manifest and digest from wandb.Artifact; history rows decoded from an
 * offline run's .wandb file).
 */
class WandbSdkConformanceTest {

    @TempDir
    Path dir;

    static JsonNode vector(String name) throws IOException {
        try (InputStream in = WandbSdkConformanceTest.class.getResourceAsStream("/conformance/wandb/" + name)) {
            return FakeWandbServer.JSON.readTree(in);
        }
    }

    @Test
    void checkpointManifestAndDigestMatchTheSdk() throws IOException {
        JsonNode vector = vector("artifact.json");
        Path root = dir.resolve("ckpt");
        for (var file : vector.path("files").properties()) {
            Files.createDirectories(root.resolve(file.getKey()).getParent());
            Files.writeString(root.resolve(file.getKey()), file.getValue().asText());
        }
        List<WandbArtifacts.Entry> entries = WandbArtifacts.entries(root);
        assertEquals(vector.path("digest").asText(), WandbArtifacts.manifestDigest(entries));
        ObjectNode ours = (ObjectNode) FakeWandbServer.JSON.readTree(
                new WandbArtifacts(null, WandbSink.jsonMapper()).manifest(entries, "art1"));
        // Each entry names the version that stored it, as the manifest the SDK uploads does (sdk-wire-artifact.json).
        ours.path("contents").forEach(entry -> assertEquals("art1", ((ObjectNode) entry).remove("birthArtifactID").asText()));
        assertEquals(vector.path("manifest"), ours);
    }

    @Test
    void imageHistoryValueMatchesTheSdkFieldForField() throws IOException {
        JsonNode vector = vector("history.json");
        Path png = dir.resolve("grid.png");
        Files.write(png, Base64.getDecoder().decode(vector.path("png_base64").asText()));
        ObjectNode ours = MediaFile.png(png, "samples/grid", 10).historyValue("fixed latents");
        JsonNode sdk = vector.path("rows").get(1).path("samples/grid");
        for (String field : List.of("_type", "sha256", "size", "format", "width", "height", "caption")) {
            assertEquals(sdk.path(field).asText(), WandbSink.jsonMapper().writeValueAsString(ours.get(field)), field);
        }
        assertEquals(sdk.size(), ours.size(), "same fields: " + ours);
        String sha20 = ours.get("sha256").asText().substring(0, 20);
        String sdkPath = FakeWandbServer.parse(sdk.path("path").asText()).asText();
        assertTrue(sdkPath.matches("media/images/samples/grid_\\d+_" + sha20 + "\\.png"), sdkPath);
        assertEquals("media/images/samples/grid_10_" + sha20 + ".png", ours.get("path").asText());
        assertEquals(sdkPath, vector.path("png_path").asText(), "the upload path is the path in the row");
    }

    @Test
    void historyRowsCarryTheSdksSpecialKeysAndNumberForms() throws IOException {
        JsonNode sdkRow = vector("history.json").path("rows").get(0);
        StreamPosition position = new StreamPosition();
        position.startSegment(1_795_598_127_000L);
        position.put(9, 1_795_598_127_157L, Map.of("loss", DoubleNode.valueOf(0.5), "diverged", DoubleNode.valueOf(Double.NaN)));
        ObjectNode ours = position.pendingRows().get(0);
        assertEquals(fieldNames(sdkRow), fieldNames(ours));
        var mapper = WandbSink.jsonMapper();
        assertEquals(sdkRow.path("diverged").asText(), mapper.writeValueAsString(ours.get("diverged")), "NaN as the SDK writes it");
        assertEquals(sdkRow.path("_step").asText(), mapper.writeValueAsString(ours.get("_step")), "_step is an integer");
        assertTrue(FakeWandbServer.parse(sdkRow.path("_runtime").asText()).isFloatingPointNumber());
        assertTrue(ours.get("_runtime").isFloatingPointNumber());
        assertEquals(0.157, ours.get("_runtime").asDouble(), 1e-9);
        assertTrue(ours.get("_timestamp").isFloatingPointNumber());
        assertEquals(1_795_598_127.157, ours.get("_timestamp").asDouble(), 1e-6, "Unix seconds, as the SDK's "
                + sdkRow.path("_timestamp").asText());
    }

    @Test
    void configNestsSectionsAsTheSdkStoresANestedDict() throws IOException {
        JsonNode sdkTrain = FakeWandbServer.parse(vector("history.json").path("config").path("train").asText());
        JsonNode ours = FakeWandbServer.parse(WandbConfig.json(Map.of("train.lr", 1e-4, "train.epochs", 8), WandbSink.jsonMapper()));
        assertEquals(sdkTrain, ours.path("train").path("value"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }
}
