package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

/**
 * A W&B server in miniature for tests, with the semantics the sink relies on: GraphQL Viewer, RunResumeStatus,
 * UpsertBucket and CreateRunFiles; the file stream writing each file's lines at the given offset (overwriting what
 * is there, so a retried request is idempotent, and refusing gaps); signed upload URLs on the same server that must
 * not carry the W&B key. Every request is recorded; a fault plan can fail requests before or after they take effect.
 */
public final class FakeWandbServer extends Dispatcher {

    /** What to do to one request: answer normally, fail it, or apply it and then drop the connection. */
    public enum Fault { NONE, HTTP_500, HTTP_429, DROP_BEFORE, DROP_AFTER }

    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /**
     * One run's state. The server thread writes it while a test thread reads it (a test may poll history while the
     * sink still streams), so every field is a concurrent collection or a volatile reference: reads see a consistent
     * snapshot and never throw ConcurrentModificationException.
     */
    public static final class Run {
        public final List<String> history = new CopyOnWriteArrayList<>();
        final List<String> output = new CopyOnWriteArrayList<>();
        public final List<String> events = new CopyOnWriteArrayList<>();
        volatile String summary = "{}";
        public volatile ObjectNode config = JSON.createObjectNode();
        final Map<String, byte[]> files = new ConcurrentSkipListMap<>();
        public final Set<String> uploaded = new ConcurrentSkipListSet<>();
        public volatile boolean complete;
        /** The run's W&B group and job type as last upserted, or null. */
        public volatile String group;
        public volatile String jobType;
        public volatile Integer exitCode;
        volatile String displayName;

        public List<Long> historySteps() {
            List<Long> steps = new ArrayList<>();
            for (String line : history) {
                steps.add(parse(line).path("_step").asLong());
            }
            return steps;
        }

        ObjectNode summaryNode() {
            return (ObjectNode) parse(summary);
        }
    }

    public static final class Artifact {
        final String id;
        public final String collection;
        final String type;
        final String digest;
        public final JsonNode createVariables;
        public volatile String state = "PENDING";
        final Map<String, String> expectedMd5 = new ConcurrentSkipListMap<>();
        public final Map<String, byte[]> files = new ConcurrentSkipListMap<>();
        volatile byte[] manifest;
        volatile String manifestDigest;

        Artifact(String id, JsonNode variables) {
            this.id = id;
            this.collection = variables.path("artifactCollectionName").asText();
            this.type = variables.path("artifactTypeName").asText();
            this.digest = variables.path("digest").asText();
            this.createVariables = variables;
        }
    }

    final MockWebServer server = new MockWebServer();
    /** Artifacts by id (art1, art2, ...); read by tests while the server thread adds to them. */
    public final Map<String, Artifact> artifacts = new ConcurrentSkipListMap<>();
    final String apiKey;
    final String expectedAuth;
    final Map<String, Run> runs = new ConcurrentHashMap<>();
    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    public final List<String> violations = new CopyOnWriteArrayList<>();
    public volatile Function<RecordedRequest, Fault> faults = r -> Fault.NONE;
    volatile String retryAfter = "0";
    /** Requests that wait (outside the server's lock, so others go on) until {@link #release} opens: a slow upload. */
    public volatile java.util.function.Predicate<RecordedRequest> held = r -> false;
    public final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    /** Requests the server has finished with (applied or failed); equal to the recorded ones when none is in flight. */
    public final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();

    public FakeWandbServer(String apiKey) throws IOException {
        this.apiKey = apiKey;
        this.expectedAuth = "Basic " + java.util.Base64.getEncoder().encodeToString(("api:" + apiKey).getBytes());
        server.setDispatcher(this);
        server.start();
    }

    public String baseUrl() {
        return server.url("/").toString();
    }

    synchronized Run run(String entity, String project, String name) {
        return runs.computeIfAbsent(entity + "/" + project + "/" + name, k -> new Run());
    }

    public synchronized Run existing(String path) {
        return runs.get(path);
    }

    /** Requests to a path prefix, in arrival order. */
    List<RecordedRequest> to(String pathPrefix) {
        return requests.stream().filter(r -> r.getUrl().encodedPath().startsWith(pathPrefix)).toList();
    }

    /** GraphQL requests of one operation. */
    List<JsonNode> graphql(String operation) {
        List<JsonNode> out = new ArrayList<>();
        for (RecordedRequest r : to("/graphql")) {
            JsonNode body = parse(r.getBody().utf8());
            if (body.path("query").asText().contains(operation)) {
                out.add(body);
            }
        }
        return out;
    }

    List<JsonNode> fileStreamBodies() {
        return to("/files/").stream().map(r -> parse(r.getBody().utf8())).toList();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        requests.add(request);
        try {
            return answer(request);
        } finally {
            answered.incrementAndGet();
        }
    }

    /** A held request is applied once released, even when its client has gone: a reply lost after the fact. */
    private MockResponse answer(RecordedRequest request) {
        if (held.test(request)) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Fault fault = faults.apply(request);
        switch (fault) {
            case HTTP_500 -> {
                return new MockResponse.Builder().code(500).body("{\"error\":\"internal\"}").build();
            }
            case HTTP_429 -> {
                return new MockResponse.Builder().code(429).addHeader("Retry-After", retryAfter).body("{\"error\":\"rate limited\"}").build();
            }
            case DROP_BEFORE -> {
                return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
            }
            default -> { }
        }
        MockResponse answer;
        synchronized (this) {
            answer = handle(request);
        }
        if (fault == Fault.DROP_AFTER) {
            return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
        }
        return answer;
    }

    private MockResponse handle(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.startsWith("/upload")) {
            // Signed URLs may sign the headers: an upload carries exactly the returned uploadHeaders.
            if (request.getHeaders().get("Content-Type") != null) {
                violations.add("upload carried a Content-Type the uploadHeaders did not give: " + path);
            }
            if (!"yes".equals(request.getHeaders().get("X-Fake-Header"))) {
                violations.add("upload lacks the uploadHeaders header: " + path);
            }
        }
        if (path.startsWith("/upload/")) {
            if (request.getHeaders().get("Authorization") != null) {
                violations.add("upload carried an Authorization header: " + path);
            }
            String[] parts = path.substring("/upload/".length()).split("/", 4);
            run(parts[0], parts[1], parts[2]).files.put(decode(parts[3]), request.getBody().toByteArray());
            return json("");
        }
        if (path.startsWith("/upload-artifact/") || path.startsWith("/upload-manifest/")) {
            if (request.getHeaders().get("Authorization") != null) {
                violations.add("artifact upload carried an Authorization header: " + path);
            }
            String[] parts = path.split("/", 4);
            Artifact artifact = artifacts.get(parts[2]);
            if (path.startsWith("/upload-manifest/")) {
                artifact.manifest = request.getBody().toByteArray();
            } else {
                artifact.files.put(decode(parts[3]), request.getBody().toByteArray());
            }
            return json("");
        }
        if (!expectedAuth.equals(request.getHeaders().get("Authorization"))) {
            return new MockResponse.Builder().code(401).body("{\"errors\":[{\"message\":\"unauthorized\"}]}").build();
        }
        JsonNode body = parse(request.getBody().utf8());
        if (path.equals("/graphql")) {
            return graphql(body.path("query").asText(), body.path("variables"));
        }
        if (path.startsWith("/files/") && path.endsWith("/file_stream")) {
            String[] parts = path.split("/");
            return fileStream(run(parts[2], parts[3], parts[4]), body);
        }
        return new MockResponse.Builder().code(404).body("no such path " + path).build();
    }

    private MockResponse graphql(String query, JsonNode variables) {
        List<String> nonConforming = SdkGraphql.problems(query, variables);
        if (!nonConforming.isEmpty()) { // what a real server's schema validation would refuse
            violations.addAll(nonConforming);
            return new MockResponse.Builder().code(400)
                    .body("{\"errors\":[{\"message\":" + JSON.valueToTree(String.join("; ", nonConforming)) + "}]}").build();
        }
        ObjectNode data = JSON.createObjectNode();
        if (query.contains("query Viewer")) {
            data.putObject("viewer").put("id", "u1").put("entity", "default-team");
        } else if (query.contains("RunResumeStatus")) {
            String key = variables.path("entity").asText() + "/" + variables.path("project").asText() + "/" + variables.path("name").asText();
            ObjectNode model = data.putObject("model");
            model.put("name", variables.path("project").asText());
            Run run = runs.get(key);
            if (run == null) {
                model.putNull("bucket");
            } else {
                ObjectNode bucket = model.putObject("bucket");
                bucket.put("id", "storage-" + variables.path("name").asText());
                bucket.put("name", variables.path("name").asText());
                bucket.put("historyLineCount", run.history.size());
                bucket.put("logLineCount", run.output.size());
                bucket.put("eventsLineCount", run.events.size());
                ArrayNode tail = JSON.createArrayNode();
                run.history.subList(Math.max(0, run.history.size() - 10), run.history.size()).forEach(tail::add);
                bucket.put("historyTail", tail.toString());
                ArrayNode eventsTail = JSON.createArrayNode();
                run.events.subList(Math.max(0, run.events.size() - 10), run.events.size()).forEach(eventsTail::add);
                bucket.put("eventsTail", eventsTail.toString());
                bucket.put("summaryMetrics", run.summary);
                bucket.put("config", run.config.toString());
                JsonNode t = run.config.path("_wandb").path("value").path("t");
                bucket.put("wandbConfig", t.isMissingNode() ? "{}" : "{\"t\":" + t + "}");
            }
        } else if (query.contains("UpsertBucket")) {
            Run run = run(variables.path("entity").asText(), variables.path("project").asText(), variables.path("name").asText());
            if (variables.has("config")) {
                run.config = (ObjectNode) parse(variables.path("config").asText());
            }
            if (variables.has("displayName")) {
                run.displayName = variables.path("displayName").asText();
            }
            if (variables.has("groupName")) {
                run.group = variables.path("groupName").asText();
            }
            if (variables.has("jobType")) {
                run.jobType = variables.path("jobType").asText();
            }
            ObjectNode bucket = data.putObject("upsertBucket").putObject("bucket");
            bucket.put("id", "storage-" + variables.path("name").asText());
            bucket.put("name", variables.path("name").asText());
            ObjectNode project = bucket.putObject("project");
            project.put("name", variables.path("project").asText());
            project.putObject("entity").put("name", variables.path("entity").asText());
            data.with("upsertBucket").put("inserted", true);
        } else if (query.contains("CreateRunFiles")) {
            ObjectNode created = data.putObject("createRunFiles");
            created.put("runID", "storage-" + variables.path("run").asText());
            created.putArray("uploadHeaders").add("X-Fake-Header:yes");
            ArrayNode files = created.putArray("files");
            for (JsonNode name : variables.path("files")) {
                String url = server.url("/upload/" + variables.path("entity").asText() + "/" + variables.path("project").asText()
                        + "/" + variables.path("run").asText() + "/" + name.asText().replace("/", "%2F")).newBuilder()
                        .addQueryParameter("X-Signature", "signed-token-123").build().toString();
                files.addObject().put("name", name.asText()).put("uploadUrl", url);
            }
        } else if (query.contains("mutation CreateArtifact ")) {
            JsonNode input = variables.path("input");
            Artifact artifact = artifacts.values().stream()
                    .filter(a -> a.collection.equals(input.path("artifactCollectionName").asText())
                            && a.digest.equals(input.path("digest").asText()) && a.state.equals("COMMITTED"))
                    .findFirst().orElse(null);
            if (artifact == null) {
                artifact = new Artifact("art" + (artifacts.size() + 1), input);
                artifacts.put(artifact.id, artifact);
            }
            data.putObject("createArtifact").putObject("artifact").put("id", artifact.id).put("state", artifact.state);
        } else if (query.contains("mutation CreateArtifactManifest ")) {
            String id = variables.path("artifactID").asText();
            ObjectNode file = data.putObject("createArtifactManifest").putObject("artifactManifest").put("id", "man-" + id)
                    .putObject("file").put("id", "f-" + id);
            if (variables.path("includeUpload").asBoolean()) {
                artifacts.get(id).manifestDigest = variables.path("digest").asText();
                file.put("uploadUrl", server.url("/upload-manifest/" + id).toString());
                file.putArray("uploadHeaders").add("X-Fake-Header:yes");
            }
        } else if (query.contains("mutation CreateArtifactFiles ")) {
            ArrayNode edges = data.putObject("createArtifactFiles").putObject("files").putArray("edges");
            for (JsonNode spec : variables.path("input").path("artifactFiles")) {
                Artifact artifact = artifacts.get(spec.path("artifactID").asText());
                artifact.expectedMd5.put(spec.path("name").asText(), spec.path("md5").asText());
                ObjectNode node = edges.addObject().putObject("node");
                node.put("storagePath", "wandb_artifacts/" + spec.path("md5").asText());
                node.put("uploadUrl", server.url("/upload-artifact/" + artifact.id + "/"
                        + spec.path("name").asText().replace("/", "%2F")).toString());
                node.putArray("uploadHeaders").add("X-Fake-Header:yes");
                node.putObject("artifact").put("id", artifact.id);
            }
        } else if (query.contains("mutation CommitArtifact ")) {
            Artifact artifact = artifacts.get(variables.path("artifactID").asText());
            artifact.state = "COMMITTED";
            data.putObject("commitArtifact").putObject("artifact").put("id", artifact.id).put("digest", artifact.digest);
        } else {
            return new MockResponse.Builder().code(400).body("{\"errors\":[{\"message\":\"unknown operation\"}]}").build();
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.set("data", data);
        return json(reply.toString());
    }

    private MockResponse fileStream(Run run, JsonNode body) {
        JsonNode files = body.path("files");
        for (var it = files.fields(); it.hasNext(); ) {
            var file = it.next();
            int offset = file.getValue().path("offset").asInt();
            List<String> content = new ArrayList<>();
            file.getValue().path("content").forEach(c -> content.add(c.asText()));
            switch (file.getKey()) {
                case "wandb-history.jsonl" -> {
                    if (!writeAt(run.history, offset, content)) {
                        return gap(file.getKey(), offset, run.history.size());
                    }
                }
                case "output.log" -> {
                    if (!writeAt(run.output, offset, content)) {
                        return gap(file.getKey(), offset, run.output.size());
                    }
                }
                case "wandb-events.jsonl" -> {
                    if (!writeAt(run.events, offset, content)) {
                        return gap(file.getKey(), offset, run.events.size());
                    }
                }
                case "wandb-summary.json" -> run.summary = content.get(content.size() - 1);
                default -> violations.add("unexpected file in file_stream: " + file.getKey());
            }
        }
        body.path("uploaded").forEach(u -> run.uploaded.add(u.asText()));
        if (body.path("complete").asBoolean(false)) {
            run.complete = true;
            run.exitCode = body.path("exitcode").asInt();
        }
        return json("{\"exitcode\":null,\"limits\":{}}");
    }

    private static boolean writeAt(List<String> lines, int offset, List<String> content) {
        if (offset > lines.size()) {
            return false;
        }
        for (int i = 0; i < content.size(); i++) {
            if (offset + i < lines.size()) {
                lines.set(offset + i, content.get(i));
            } else {
                lines.add(content.get(i));
            }
        }
        return true;
    }

    private MockResponse gap(String file, int offset, int size) {
        violations.add(file + ": offset " + offset + " leaves a gap after line " + size);
        return new MockResponse.Builder().code(400).body("{\"error\":\"offset gap\"}").build();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static String decode(String encoded) {
        return java.net.URLDecoder.decode(encoded, java.nio.charset.StandardCharsets.UTF_8);
    }

    public void shutdown() {
        server.close();
    }
}
