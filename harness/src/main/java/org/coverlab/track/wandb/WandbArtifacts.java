package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import org.coverlab.track.RemoteSink.SinkException;

/**
 * Logs a checkpoint as a versioned W&B artifact of type {@code model} in the collection {@code model-<run>}, with the
 * aliases {@code latest} and {@code step-<N>}, linked to the history step it was saved at, in the SDK 0.31's order:
 * CreateArtifact (digest-deduplicated, so an unchanged checkpoint is not stored twice), CreateArtifactManifest,
 * CreateArtifactFiles with a PUT of each file, CreateArtifactManifest again for the manifest's upload URL and its PUT,
 * CommitArtifact. Uploads carry exactly the returned headers and no Content-Type of their own. The digest is the SDK's: hex MD5 of {@code "wandb-artifact-manifest-v1\n"}
 * followed by {@code "name:digest\n"} per file, sorted by name, where each file's digest is its Base64 MD5.
 */
final class WandbArtifacts {

    static final String TYPE = "model";

    /** One file of an artifact: its name inside the artifact, where it is, its Base64 MD5 and size. */
    record Entry(String name, Path file, String md5, long size) {}

    private final WandbApi api;
    private final ObjectMapper json;

    WandbArtifacts(WandbApi api, ObjectMapper json) {
        this.api = api;
        this.json = json;
    }

    static String collectionFor(String run) {
        return "model-" + run;
    }

    /** The files of a checkpoint (a folder or a single file), named relative to it, sorted. */
    static List<Entry> entries(Path root) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Path base = Files.isDirectory(root) ? root : root.getParent();
        try (Stream<Path> walk = Files.isDirectory(root) ? Files.walk(root) : Stream.of(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                entries.add(new Entry(base.relativize(file).toString().replace('\\', '/'), file, md5Base64(file), Files.size(file)));
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    static String manifestDigest(List<Entry> entries) {
        MessageDigest md5 = md5();
        md5.update("wandb-artifact-manifest-v1\n".getBytes(StandardCharsets.UTF_8));
        entries.stream().sorted(Comparator.comparing(Entry::name))
                .forEach(e -> md5.update((e.name() + ":" + e.md5() + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(md5.digest());
    }

    /**
     * The manifest as the SDK writes it, each entry naming the artifact version it was first stored with
     * ({@code birthArtifactID}). The SDK's client-side fields (local_path, skip_cache) stay out: they are local paths.
     */
    byte[] manifest(List<Entry> entries, String birthArtifactId) {
        ObjectNode manifest = json.createObjectNode();
        manifest.put("version", 1);
        manifest.put("storagePolicy", "wandb-storage-policy-v1");
        manifest.putObject("storagePolicyConfig").put("storageLayout", "V2");
        ObjectNode contents = manifest.putObject("contents");
        for (Entry entry : entries) {
            contents.putObject(entry.name()).put("digest", entry.md5()).put("size", entry.size())
                    .put("birthArtifactID", birthArtifactId);
        }
        try {
            return json.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an artifact manifest", e);
        }
    }

    /**
     * Logs one checkpoint version linked to history step {@code step}; returns false when W&B already had these exact
     * bytes (nothing uploaded).
     */
    boolean logCheckpoint(String entity, String project, String run, long step, String path, List<Entry> entries)
            throws SinkException {
        String collection = collectionFor(run);
        String digest = manifestDigest(entries);
        ObjectNode input = json.createObjectNode();
        input.put("entityName", entity);
        input.put("projectName", project);
        input.put("artifactTypeName", TYPE);
        input.put("artifactCollectionName", collection);
        input.put("runName", run);
        input.put("digest", digest);
        input.put("digestAlgorithm", "MANIFEST_MD5");
        ArrayNode aliases = input.putArray("aliases");
        aliases.addObject().put("artifactCollectionName", collection).put("alias", "latest");
        aliases.addObject().put("artifactCollectionName", collection).put("alias", "step-" + step);
        input.put("enableDigestDeduplication", true);
        input.put("historyStep", step);
        input.put("clientID", UUID.randomUUID().toString());
        input.put("sequenceClientID", UUID.randomUUID().toString());
        input.put("metadata", json.createObjectNode().put("step", step).put("path", path).toString());
        ObjectNode create = json.createObjectNode();
        create.set("input", input);
        JsonNode artifact = api.graphql("CreateArtifact", WandbQueries.CREATE_ARTIFACT, create, RetryPolicy.API)
                .path("createArtifact").path("artifact");
        String artifactId = artifact.path("id").asText("");
        if (artifactId.isEmpty()) {
            throw new SinkException("W&B CreateArtifact returned no artifact id for " + path, true, 0, null);
        }
        if ("COMMITTED".equals(artifact.path("state").asText())) {
            return false;
        }

        String manifestId = createManifest(entity, project, run, artifactId, "", false).path("id").asText("");
        if (manifestId.isEmpty()) {
            throw new SinkException("W&B CreateArtifactManifest returned no manifest id for " + path, true, 0, null);
        }

        ObjectNode filesInput = json.createObjectNode();
        filesInput.put("storageLayout", "V2");
        ArrayNode specs = filesInput.putArray("artifactFiles");
        for (Entry entry : entries) {
            specs.addObject().put("artifactID", artifactId).put("name", entry.name()).put("md5", entry.md5())
                    .put("artifactManifestID", manifestId);
        }
        ObjectNode createFiles = json.createObjectNode();
        createFiles.set("input", filesInput);
        JsonNode edges = api.graphql("CreateArtifactFiles", WandbQueries.CREATE_ARTIFACT_FILES, createFiles, RetryPolicy.API)
                .path("createArtifactFiles").path("files").path("edges");
        if (edges.size() != entries.size()) {
            throw new SinkException("W&B CreateArtifactFiles answered " + edges.size() + " files for the " + entries.size()
                    + " of " + path, true, 0, null);
        }
        for (int i = 0; i < entries.size(); i++) { // edges come in the order of the input, as the SDK relies on
            JsonNode node = edges.get(i).path("node");
            String url = node.path("uploadUrl").asText("");
            if (url.isEmpty()) {
                continue; // W&B already stores a file with this MD5
            }
            Entry entry = entries.get(i);
            api.upload("artifact file " + entry.name(), url, headers(node), RequestBody.create(entry.file().toFile(), (MediaType) null));
        }

        byte[] manifest = manifest(entries, artifactId);
        String manifestDigest = Base64.getEncoder().encodeToString(md5().digest(manifest));
        JsonNode file = createManifest(entity, project, run, artifactId, manifestDigest, true).path("file");
        String manifestUrl = file.path("uploadUrl").asText("");
        if (manifestUrl.isEmpty()) {
            throw new SinkException("W&B CreateArtifactManifest returned no upload URL for " + path, true, 0, null);
        }
        api.upload("artifact manifest", manifestUrl, headers(file), RequestBody.create(manifest, (MediaType) null));

        ObjectNode commit = json.createObjectNode().put("artifactID", artifactId);
        api.graphql("CommitArtifact", WandbQueries.COMMIT_ARTIFACT, commit, RetryPolicy.API);
        return true;
    }

    private JsonNode createManifest(String entity, String project, String run, String artifactId, String digest,
                                    boolean includeUpload) throws SinkException {
        ObjectNode variables = json.createObjectNode();
        variables.put("artifactID", artifactId);
        variables.put("name", "wandb_manifest.json");
        variables.put("digest", digest);
        variables.put("entityName", entity);
        variables.put("projectName", project);
        variables.put("runName", run);
        variables.put("manifestType", "FULL");
        variables.put("includeUpload", includeUpload);
        return api.graphql("CreateArtifactManifest", WandbQueries.CREATE_ARTIFACT_MANIFEST, variables, RetryPolicy.API)
                .path("createArtifactManifest").path("artifactManifest");
    }

    private static List<String> headers(JsonNode node) {
        List<String> headers = new ArrayList<>();
        node.path("uploadHeaders").forEach(h -> headers.add(h.asText()));
        return headers;
    }

    private static String md5Base64(Path file) throws IOException {
        MessageDigest md5 = md5();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
            }
        }
        return Base64.getEncoder().encodeToString(md5.digest());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }
}
