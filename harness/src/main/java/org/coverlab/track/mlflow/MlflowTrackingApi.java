package org.coverlab.track.mlflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.coverlab.track.RemoteSink.SinkException;
import org.mlflow.api.proto.Service.CreateExperiment;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.GetExperimentByName;
import org.mlflow.api.proto.Service.GetRun;
import org.mlflow.api.proto.Service.LogBatch;
import org.mlflow.api.proto.Service.LogInputs;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.SearchRuns;
import org.mlflow.api.proto.Service.UpdateRun;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow_project.google.protobuf.InvalidProtocolBufferException;
import org.mlflow_project.google.protobuf.Message;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * The tracking calls the sink needs, straight over MLflow's REST API ({@code /api/2.0/mlflow/...}) with the request
 * and response messages of the official Java client's protos, each failure turned into a {@link SinkException}.
 *
 * <p>Why not the client's own calls: it retries on its own (429 for up to 60 s, every other error three times, with
 * WARN lines such as "404 (Rate limit exceeded). Retrying" on a normal experiment lookup) and its HTTP caller cannot
 * be configured through its public API. The journal sender owns retries and backoff, so this speaks HTTP itself.
 *
 * <p>Connections: the MLflow server (uvicorn) closes a keep-alive connection after 5 s idle, so idle pooled
 * connections are evicted after {@value #KEEP_ALIVE_SECONDS} s, before the server drops them. A GET that still meets
 * a connection closed under it is retried once (it is idempotent); a POST is not retried here (a log-batch whose
 * answer was lost may have been applied: the sink re-reads the server before the sender's retry).
 */
final class MlflowTrackingApi implements AutoCloseable {

    static final int KEEP_ALIVE_SECONDS = 4;
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final String API = "api/2.0/mlflow";

    private final HttpUrl base;
    private final OkHttpClient http;
    private final MlflowFailures failures;
    private final JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace()
            .preservingProtoFieldNames();
    private final JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();

    MlflowTrackingApi(MlflowEndpoint endpoint) {
        this.base = HttpUrl.get(endpoint.trackingUri().toString());
        this.failures = new MlflowFailures(endpoint.trackingUri(), endpoint.credentials());
        this.http = httpClient(endpoint);
    }

    /** The HTTP client both the tracking and the artifact calls use: timeouts, credentials, short-lived idle connections. */
    static OkHttpClient httpClient(MlflowEndpoint endpoint) {
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(endpoint.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(endpoint.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(endpoint.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .connectionPool(new ConnectionPool(4, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS))
                .retryOnConnectionFailure(false);
        endpoint.credentials().authorizationHeader().ifPresent(value -> builder.addInterceptor(chain ->
                chain.proceed(chain.request().newBuilder().header("Authorization", value).build())));
        return builder.build();
    }

    Optional<Experiment> experimentByName(String name) throws SinkException {
        HttpUrl url = url("experiments/get-by-name").newBuilder().addQueryParameter("experiment_name", name).build();
        Response404 answer = get("experiments/get-by-name", url);
        if (answer.notFound) {
            return Optional.empty();
        }
        return Optional.of(parse("experiments/get-by-name", answer.body, GetExperimentByName.Response.newBuilder())
                .getExperiment());
    }

    String createExperiment(String name) throws SinkException {
        String body = post("experiments/create", CreateExperiment.newBuilder().setName(name).build());
        return parse("experiments/create", body, CreateExperiment.Response.newBuilder()).getExperimentId();
    }

    /** Runs (deleted ones included) whose tag {@code key} equals {@code value}, oldest first. */
    List<RunInfo> runsTagged(String experimentId, String key, String value) throws SinkException {
        String filter = "tags.`" + key + "` = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
        String body = post("runs/search", SearchRuns.newBuilder().addExperimentIds(experimentId).setFilter(filter)
                .setRunViewType(ViewType.ALL).setMaxResults(10).addOrderBy("attributes.start_time ASC").build());
        return parse("runs/search", body, SearchRuns.Response.newBuilder()).getRunsList().stream().map(Run::getInfo).toList();
    }

    RunInfo createRun(CreateRun request) throws SinkException {
        return parse("runs/create", post("runs/create", request), CreateRun.Response.newBuilder()).getRun().getInfo();
    }

    Run getRun(String runId) throws SinkException {
        HttpUrl url = url("runs/get").newBuilder().addQueryParameter("run_id", runId).build();
        Response404 answer = get("runs/get", url);
        if (answer.notFound) {
            throw failures.http("runs/get", 404, answer.body, 0);
        }
        return parse("runs/get", answer.body, GetRun.Response.newBuilder()).getRun();
    }

    void logBatch(String runId, List<Metric> metrics, List<Param> params, List<RunTag> tags) throws SinkException {
        post("runs/log-batch", LogBatch.newBuilder().setRunId(runId).addAllMetrics(metrics).addAllParams(params)
                .addAllTags(tags).build());
    }

    /** runs/log-inputs: the datasets a run used (MLflow 2.4+). */
    void logInputs(LogInputs request) throws SinkException {
        post("runs/log-inputs", request);
    }

    /** runs/update; endTime null leaves it unset (resuming to RUNNING must not stamp an end). */
    void updateStatus(String runId, RunStatus status, Long endTime) throws SinkException {
        UpdateRun.Builder update = UpdateRun.newBuilder().setRunId(runId).setStatus(status);
        if (endTime != null) {
            update.setEndTime(endTime);
        }
        post("runs/update", update.build());
    }

    private HttpUrl url(String path) {
        return base.newBuilder().addPathSegments(API).addPathSegments(path).build();
    }

    /** A GET's body, or notFound for a 404 RESOURCE_DOES_NOT_EXIST (an answer, not a failure, for lookups). */
    private record Response404(String body, boolean notFound) {}

    private Response404 get(String operation, HttpUrl url) throws SinkException {
        try {
            return getOnce(operation, url);
        } catch (SinkException e) {
            Throwable cause = e.getCause();
            if (!(cause instanceof IOException) || cause instanceof java.io.InterruptedIOException
                    || cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException) {
                throw e; // not a connection dropped under the request: a second try would fail the same way
            }
            return getOnce(operation, url); // idempotent: once more on a fresh connection
        }
    }

    private Response404 getOnce(String operation, HttpUrl url) throws SinkException {
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            String body = response.body().string();
            if (response.code() == 404 && body.contains("RESOURCE_DOES_NOT_EXIST")) {
                return new Response404(body, true);
            }
            check(operation, response, body);
            return new Response404(body, false);
        } catch (IOException e) {
            throw failures.io(operation, e);
        }
    }

    private String post(String operation, Message request) throws SinkException {
        String json;
        try {
            json = printer.print(request);
        } catch (InvalidProtocolBufferException e) {
            throw failures.notRetryable("MLflow " + operation + ": cannot write the request (" + e.getMessage() + ")");
        }
        Request http = new Request.Builder().url(url(operation))
                .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8), JSON_TYPE)).build();
        try (Response response = this.http.newCall(http).execute()) {
            String body = response.body().string();
            check(operation, response, body);
            return body;
        } catch (IOException e) {
            throw failures.io(operation, e);
        }
    }

    private void check(String operation, Response response, String body) throws SinkException {
        if (!response.isSuccessful()) {
            throw failures.http(operation, response.code(), body,
                    MlflowFailures.parseRetryAfter(response.header("Retry-After"), System.currentTimeMillis()));
        }
    }

    @SuppressWarnings("unchecked")
    private <B extends Message.Builder> B parse(String operation, String body, B builder) throws SinkException {
        try {
            parser.merge(body, builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw failures.notRetryable("MLflow " + operation + ": the answer is not the expected JSON (" + e.getMessage() + ")");
        }
    }

    /** Cancels the calls in flight from another thread (a stop); the sending thread gets a failed call at once. */
    void cancelCalls() {
        http.dispatcher().cancelAll();
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
