package org.coverlab.track.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.coverlab.track.RemoteSink.SinkException;

/**
 * Uploads, lists and downloads run artifacts through the tracking server's artifact proxy
 * ({@code /api/2.0/mlflow-artifacts/artifacts}). The Java client's own artifact methods start a Python process, which a
 * coverlab machine need not have, so this speaks the REST endpoints directly.
 */
final class MlflowArtifactClient implements AutoCloseable {

    /** A file or folder under a run's artifact root; path is relative to that root, as in MLflow's FileInfo. */
    record Entry(String path, boolean isDir, long size) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "api/2.0/mlflow-artifacts/artifacts";
    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    private final HttpUrl base;
    private final OkHttpClient http;
    private final MlflowFailures failures;

    MlflowArtifactClient(MlflowEndpoint endpoint) {
        this.base = HttpUrl.get(endpoint.trackingUri().toString());
        this.failures = new MlflowFailures(endpoint.trackingUri(), endpoint.credentials());
        // Idle connections evicted before the server's 5 s idle close; see MlflowTrackingApi.
        this.http = MlflowTrackingApi.httpClient(endpoint);
    }

    /**
     * The server-side root of a run's artifacts ({@code <experiment>/<run>/artifacts}) when the run's artifact URI is
     * served by the tracking server ({@code mlflow-artifacts:}); empty for stores only the Python client can reach.
     */
    static Optional<String> proxiedRoot(String artifactUri) {
        if (artifactUri == null || !artifactUri.startsWith("mlflow-artifacts:")) {
            return Optional.empty();
        }
        String path = URI.create(artifactUri).getPath();
        return Optional.of(path.replaceAll("^/+", "").replaceAll("/+$", ""));
    }

    /** PUTs a local file to {@code root/relPath}; the server overwrites an existing file, so a replay is harmless. */
    void upload(String root, String relPath, Path file) throws SinkException {
        Request request = new Request.Builder().url(fileUrl(root, relPath))
                .put(RequestBody.create(file.toFile(), OCTETS)).build();
        execute("artifact upload of " + relPath, request);
    }

    /** The entries directly under {@code root/relDir} (empty when the folder does not exist). */
    List<Entry> list(String root, String relDir) throws SinkException {
        String path = relDir.isEmpty() ? root : root + "/" + relDir;
        HttpUrl url = base.newBuilder().addPathSegments(API).addQueryParameter("path", path).build();
        byte[] body = execute("artifact list of " + (relDir.isEmpty() ? "/" : relDir), new Request.Builder().url(url).build());
        List<Entry> entries = new ArrayList<>();
        try {
            for (JsonNode f : JSON.readTree(body).path("files")) {
                // The proxy names entries relative to the listed folder; make them relative to the root.
                String name = f.path("path").asText();
                String rel = relDir.isEmpty() ? name : relDir + "/" + name;
                entries.add(new Entry(rel, f.path("is_dir").asBoolean(), f.path("file_size").asLong(0)));
            }
        } catch (IOException e) {
            throw failures.notRetryable("MLflow artifact list of " + relDir + ": the answer is not JSON");
        }
        return entries;
    }

    byte[] download(String root, String relPath) throws SinkException {
        return execute("artifact download of " + relPath, new Request.Builder().url(fileUrl(root, relPath)).build());
    }

    private HttpUrl fileUrl(String root, String relPath) {
        return base.newBuilder().addPathSegments(API).addPathSegments(root).addPathSegments(relPath).build();
    }

    private byte[] execute(String operation, Request request) throws SinkException {
        try (Response response = http.newCall(request).execute()) {
            byte[] body = response.body().bytes();
            if (!response.isSuccessful()) {
                long retryAfter = MlflowFailures.parseRetryAfter(response.header("Retry-After"), System.currentTimeMillis());
                throw failures.http(operation, response.code(), new String(body, java.nio.charset.StandardCharsets.UTF_8),
                        retryAfter);
            }
            return body;
        } catch (IOException e) {
            throw failures.io(operation, e);
        }
    }

    /** Cancels the uploads in flight from another thread (a stop); see {@link MlflowTrackingApi#cancelCalls}. */
    void cancelCalls() {
        http.dispatcher().cancelAll();
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
