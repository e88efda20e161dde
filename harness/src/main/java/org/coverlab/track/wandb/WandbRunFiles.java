package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import org.coverlab.track.RemoteSink.SinkException;

/**
 * Plain run files (media, reports, logs): CreateRunFiles for a batch of paths, then a PUT of each file to its signed
 * URL with exactly the returned upload headers (no Content-Type of its own) and without the W&B key. The paths then go into the file stream's
 * {@code uploaded} list, which is what makes W&B show them.
 */
final class WandbRunFiles {

    /** A file to upload: its path in the W&B run and where it is here, or its bytes (files the SDK writes itself). */
    record Upload(String name, Path local, byte[] content) {
        Upload(String name, Path local) {
            this(name, local, null);
        }

        static Upload of(String name, byte[] content) {
            return new Upload(name, null, content);
        }

        RequestBody body() {
            return content != null ? RequestBody.create(content, (MediaType) null)
                    : RequestBody.create(local.toFile(), (MediaType) null);
        }
    }

    private final WandbApi api;
    private final ObjectMapper json;

    WandbRunFiles(WandbApi api, ObjectMapper json) {
        this.api = api;
        this.json = json;
    }

    /** A path inside the run directory; refuses paths that leave it or do not exist. */
    static Path resolve(Path runDir, String relative) throws IOException {
        Path base = runDir.toAbsolutePath().normalize();
        Path file = base.resolve(relative).normalize();
        if (!file.startsWith(base)) {
            throw new IOException(relative + " is outside the run directory");
        }
        if (!Files.exists(file)) {
            throw new IOException(relative + " does not exist in the run directory");
        }
        return file;
    }

    /** The files of a run path (a file, or every file below a folder), named by their path in the run directory. */
    static List<Upload> filesOf(Path runDir, String relative) throws IOException {
        Path root = resolve(runDir, relative);
        Path base = runDir.toAbsolutePath().normalize();
        List<Upload> files = new ArrayList<>();
        try (Stream<Path> walk = Files.isDirectory(root) ? Files.walk(root) : Stream.of(root)) {
            walk.filter(Files::isRegularFile).sorted().forEach(file ->
                    files.add(new Upload(base.relativize(file).toString().replace('\\', '/'), file)));
        }
        if (files.isEmpty()) {
            throw new IOException(relative + " holds no files");
        }
        return files;
    }

    /** Uploads every file; returns their run paths for {@code uploaded}. */
    Set<String> upload(String entity, String project, String run, List<Upload> uploads) throws SinkException {
        Set<String> names = new LinkedHashSet<>();
        if (uploads.isEmpty()) {
            return names;
        }
        Map<String, Upload> byName = new LinkedHashMap<>();
        uploads.forEach(u -> byName.put(u.name(), u));
        ObjectNode variables = json.createObjectNode();
        variables.put("entity", entity);
        variables.put("project", project);
        variables.put("run", run);
        ArrayNode list = variables.putArray("files");
        byName.keySet().forEach(list::add);
        JsonNode created = api.graphql("CreateRunFiles", WandbQueries.CREATE_RUN_FILES, variables, RetryPolicy.API)
                .path("createRunFiles");
        List<String> headers = new ArrayList<>();
        created.path("uploadHeaders").forEach(h -> headers.add(h.asText()));
        for (JsonNode file : created.path("files")) {
            Upload upload = byName.get(file.path("name").asText());
            String url = file.path("uploadUrl").asText("");
            if (upload == null || url.isBlank()) {
                continue;
            }
            // No Content-Type of our own: a signed URL may sign the headers, and only uploadHeaders were signed.
            api.upload(upload.name(), url, headers, upload.body());
            names.add(upload.name());
        }
        if (names.size() < byName.size()) {
            throw new SinkException("W&B CreateRunFiles returned no upload URL for some of " + byName.keySet(), true, 0, null);
        }
        return names;
    }
}
