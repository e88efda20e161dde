package org.coverlab.track.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Just enough of an MLflow tracking server on mockwebserver3 to put faults in front of the sink: one experiment, one
 * run, log-batch that remembers the latest step per metric, and an artifact proxy. Tests queue a fault for the next
 * request to a path; a fault may also "apply" the request first (the server did the work, then the answer was lost).
 */
final class FakeMlflowServer implements AutoCloseable {

    static final String RUN_ID = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to answer for one request; {@code apply} first records it as done on the server. */
    record Fault(boolean apply, MockResponse response) {}

    private final MockWebServer server = new MockWebServer();
    private final Map<String, Deque<Fault>> faults = Collections.synchronizedMap(new TreeMap<>());
    private final Map<String, Long> latestSteps = Collections.synchronizedMap(new TreeMap<>());
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> appliedBatches = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean runExists;

    FakeMlflowServer() throws Exception {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.add(request);
                return answer(request);
            }
        });
        server.start(0);
    }

    String uri() {
        String u = server.url("/").toString();
        return u.substring(0, u.length() - 1);
    }

    /** Queues a fault for the next request whose path ends with {@code pathSuffix} (e.g. runs/log-batch). */
    void fail(String pathSuffix, Fault fault) {
        // The deques are plain: add under the same lock the server thread polls them with.
        synchronized (faults) {
            faults.computeIfAbsent(pathSuffix, k -> new ArrayDeque<>()).add(fault);
        }
    }

    List<RecordedRequest> requests(String pathSuffix) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.getUrl().encodedPath().endsWith(pathSuffix)).toList();
        }
    }

    List<JsonNode> appliedBatches() {
        return List.copyOf(appliedBatches);
    }

    private MockResponse answer(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        Fault fault = null;
        synchronized (faults) {
            for (Map.Entry<String, Deque<Fault>> e : faults.entrySet()) {
                if (path.endsWith(e.getKey()) && !e.getValue().isEmpty()) {
                    fault = e.getValue().poll();
                    break;
                }
            }
        }
        if (fault != null) {
            if (fault.apply()) {
                normal(request, path);
            }
            return fault.response();
        }
        return normal(request, path);
    }

    private MockResponse normal(RecordedRequest request, String path) {
        try {
            if (path.endsWith("/experiments/get-by-name")) {
                return json("{\"experiment\":{\"experiment_id\":\"7\",\"name\":\"fake\",\"lifecycle_stage\":\"active\"}}");
            }
            if (path.endsWith("/runs/search")) {
                return json(runExists ? "{\"runs\":[" + run() + "]}" : "{}");
            }
            if (path.endsWith("/runs/create")) {
                runExists = true;
                return json("{\"run\":" + run() + "}");
            }
            if (path.endsWith("/runs/get")) {
                return json("{\"run\":" + run() + "}");
            }
            if (path.endsWith("/runs/log-batch")) {
                JsonNode body = JSON.readTree(request.getBody().utf8());
                appliedBatches.add(body);
                for (JsonNode m : body.path("metrics")) {
                    latestSteps.merge(m.path("key").asText(), m.path("step").asLong(), Math::max);
                }
                return json("{}");
            }
            if (path.endsWith("/runs/update") || path.contains("/mlflow-artifacts/artifacts")) {
                return json("{}");
            }
            return new MockResponse.Builder().code(404).body("<html>not found</html>").build();
        } catch (Exception e) {
            return new MockResponse.Builder().code(500).body(e.toString()).build();
        }
    }

    private String run() {
        ObjectNode run = JSON.createObjectNode();
        run.putObject("info").put("run_id", RUN_ID).put("run_uuid", RUN_ID).put("experiment_id", "7")
                .put("status", "RUNNING").put("lifecycle_stage", "active")
                .put("artifact_uri", "mlflow-artifacts:/7/" + RUN_ID + "/artifacts");
        ArrayNode metrics = run.putObject("data").putArray("metrics");
        synchronized (latestSteps) {
            latestSteps.forEach((k, step) -> metrics.addObject().put("key", k).put("value", 0.0).put("timestamp", 1)
                    .put("step", step));
        }
        return run.toString();
    }

    static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    static Fault status(int code, String body) {
        return new Fault(false, new MockResponse.Builder().code(code).body(body).build());
    }

    static Fault status(int code, String body, String retryAfter) {
        return new Fault(false, new MockResponse.Builder().code(code).addHeader("Retry-After", retryAfter).body(body).build());
    }

    static Fault answer(Function<MockResponse.Builder, MockResponse.Builder> shape, boolean apply) {
        return new Fault(apply, shape.apply(new MockResponse.Builder().code(200).body("{}")).build());
    }

    @Override
    public void close() {
        server.close();
    }
}
