package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.coverlab.track.Redactor;
import org.coverlab.track.RemoteSink.SinkException;

/**
 * The three kinds of W&B HTTP calls: GraphQL, the run's file stream, and PUTs to signed storage URLs. The W&B key goes
 * only to the base URL; uploads carry just the headers CreateRunFiles returned. Failures come back as
 * {@link SinkException}s whose messages are redacted and say what to check; retries already happened in
 * {@link WandbRetryInterceptor}.
 */
final class WandbApi {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final int BODY_SNIPPET = 300;

    private final OkHttpClient client;
    private final HttpUrl base;
    private final String authorization;
    private final Redactor redactor;
    private final ObjectMapper json;
    private final Clock clock;

    WandbApi(OkHttpClient client, HttpUrl base, String apiKey, Redactor redactor, ObjectMapper json, Clock clock) {
        this.client = client;
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(("api:" + apiKey).getBytes(StandardCharsets.UTF_8));
        this.redactor = redactor;
        this.json = json;
        this.clock = clock;
    }

    /** Runs a GraphQL operation and returns its {@code data}; GraphQL-level errors are not retryable. */
    JsonNode graphql(String operation, String query, ObjectNode variables, RetryPolicy policy) throws SinkException {
        ObjectNode body = json.createObjectNode();
        body.put("query", query);
        body.set("variables", variables);
        Request request = authorized(base.newBuilder().addPathSegment("graphql").build())
                .post(RequestBody.create(bytes(body), JSON_TYPE))
                .tag(RetryPolicy.class, policy)
                .build();
        JsonNode reply = execute("GraphQL " + operation, request, policy);
        JsonNode errors = reply.path("errors");
        if (errors.isArray() && !errors.isEmpty()) {
            throw new SinkException("W&B GraphQL " + operation + " failed: " + redactor.redact(errors.get(0).path("message").asText(errors.toString())),
                    false, 0, null);
        }
        return reply.path("data");
    }

    /** POSTs one file-stream request; returns the server's reply ({@code {"stopped": true}} when stopped in the UI). */
    JsonNode fileStream(String entity, String project, String run, ObjectNode body) throws SinkException {
        return fileStream(entity, project, run, body, RetryPolicy.API);
    }

    JsonNode fileStream(String entity, String project, String run, ObjectNode body, RetryPolicy policy) throws SinkException {
        HttpUrl url = base.newBuilder().addPathSegment("files").addPathSegment(entity).addPathSegment(project)
                .addPathSegment(run).addPathSegment("file_stream").build();
        Request request = authorized(url)
                .post(RequestBody.create(bytes(body), JSON_TYPE))
                .tag(RetryPolicy.class, policy)
                .build();
        return execute("file_stream", request, policy);
    }

    /** PUTs bytes to a signed URL with the given "Key:Value" headers and without the W&B key. */
    void upload(String name, String url, List<String> headers, RequestBody content) throws SinkException {
        HttpUrl target = HttpUrl.parse(url);
        if (target == null) {
            throw new SinkException("W&B returned an unusable upload URL for " + name + ": " + Redactor.safeUrl(url), false, 0, null);
        }
        Request.Builder builder = new Request.Builder().url(target).put(content).tag(RetryPolicy.class, RetryPolicy.UPLOAD);
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                builder.addHeader(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
            }
        }
        try (Response response = client.newCall(builder.build()).execute()) {
            if (!response.isSuccessful()) {
                throw failure("upload of " + name, response, RetryPolicy.UPLOAD, readSnippet(response));
            }
        } catch (FileNotFoundException | NoSuchFileException e) {
            // Retryable so the sender sends the batch again: the sink then finds the file gone and skips it.
            throw new SinkException("W&B upload of " + name + ": the local file was deleted before it was uploaded ("
                    + redactor.describe(e) + ")", true, 0, null);
        } catch (IOException e) {
            throw connectionFailure("upload of " + name, e);
        }
    }

    private Request.Builder authorized(HttpUrl url) {
        return new Request.Builder().url(url).header("Authorization", authorization).header("User-Agent", "coverlab");
    }

    private JsonNode execute(String what, Request request, RetryPolicy policy) throws SinkException {
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            if (!response.isSuccessful()) {
                throw failure(what, response, policy, snippet(text));
            }
            if (text.isBlank()) {
                return json.createObjectNode();
            }
            try {
                return json.readTree(text);
            } catch (IOException e) {
                throw new SinkException("W&B " + what + ": the server answered HTTP " + response.code()
                        + " with a body that is not JSON: " + redactor.redact(snippet(text)), true, 0, null);
            }
        } catch (IOException e) {
            throw connectionFailure(what, e);
        }
    }

    private SinkException failure(String what, Response response, RetryPolicy policy, String body) {
        int code = response.code();
        String hint = switch (code) {
            case 401 -> " (the API key was refused: check WANDB_API_KEY or ~/.netrc)";
            case 403 -> " (the key may not write to this entity/project: check tracking.entity / WANDB_ENTITY)";
            case 404 -> " (check the entity, project and WANDB_BASE_URL)";
            default -> "";
        };
        String message = "W&B " + what + ": HTTP " + code + hint + (body.isBlank() ? "" : ": " + body);
        return new SinkException(redactor.redact(message), policy.retries(code),
                WandbRetryInterceptor.serverRequestedWaitMillis(response, clock), null);
    }

    private SinkException connectionFailure(String what, IOException e) {
        return new SinkException("W&B " + what + " did not get through: " + redactor.describe(e), true, 0, redactor.sanitize(e));
    }

    private static String readSnippet(Response response) {
        try {
            return snippet(response.body().string());
        } catch (IOException e) {
            return "";
        }
    }

    private static String snippet(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > BODY_SNIPPET ? flat.substring(0, BODY_SNIPPET) + "..." : flat;
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a W&B request", e);
        }
    }
}
