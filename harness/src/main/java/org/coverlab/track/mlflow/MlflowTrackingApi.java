package org.coverlab.track.mlflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.coverlab.track.RemoteSink.SinkException;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;
import org.mlflow_project.apachehttp.HttpResponseInterceptor;
import org.mlflow_project.apachehttp.client.config.RequestConfig;
import org.mlflow_project.apachehttp.impl.client.CloseableHttpClient;
import org.mlflow_project.apachehttp.impl.client.HttpClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracking calls the sink needs, on top of the official Java client ({@link MlflowClient}), each turning failures
 * into {@link SinkException}.
 *
 * <p>The stock client retries on its own: 429 for up to 60 s (ignoring Retry-After) and every other HTTP error three
 * times, 401 included, with no socket timeouts. The journal sender owns retries and backoff, so the client's HTTP
 * caller is replaced by one with retries off, timeouts on, and a hook that reads Retry-After. That caller's constructor
 * is package-private in mlflow-client 2.17.2, hence reflection; if it ever fails the stock caller is kept.
 */
final class MlflowTrackingApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MlflowTrackingApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MlflowClient client;
    private final CloseableHttpClient http;
    private final MlflowFailures failures;
    /** Retry-After of the latest response, read right after a failed call (the sink is driven by one thread). */
    private final AtomicLong lastRetryAfterMillis = new AtomicLong();

    MlflowTrackingApi(MlflowEndpoint endpoint) {
        MlflowCredentials creds = endpoint.credentials();
        MlflowHostCredsProvider provider = new BasicMlflowHostCreds(endpoint.trackingUri().toString(),
                creds.username(), creds.password(), creds.tokenValue(), false);
        this.failures = new MlflowFailures(endpoint.trackingUri(), creds);
        RequestConfig timeouts = RequestConfig.custom()
                .setConnectTimeout((int) endpoint.connectTimeout().toMillis())
                .setConnectionRequestTimeout((int) endpoint.connectTimeout().toMillis())
                .setSocketTimeout((int) endpoint.readTimeout().toMillis())
                .build();
        this.http = HttpClientBuilder.create()
                .setDefaultRequestConfig(timeouts)
                .disableAutomaticRetries()
                .addInterceptorFirst((HttpResponseInterceptor) (response, context) -> {
                    var header = response.getFirstHeader("Retry-After");
                    lastRetryAfterMillis.set(header == null ? 0
                            : MlflowFailures.parseRetryAfter(header.getValue(), System.currentTimeMillis()));
                })
                .build();
        this.client = new MlflowClient(provider);
        installCaller(client, provider, http);
    }

    private static void installCaller(MlflowClient client, MlflowHostCredsProvider provider, CloseableHttpClient http) {
        try {
            Class<?> callerType = Class.forName("org.mlflow.tracking.MlflowHttpCaller");
            Constructor<?> ctor = callerType.getDeclaredConstructor(MlflowHostCredsProvider.class, int.class, int.class,
                    int.class, CloseableHttpClient.class);
            ctor.setAccessible(true);
            // maxRateLimitIntervalMillis 0: no 429 loop; maxRetryAttempts 1: one try per call.
            Object caller = ctor.newInstance(provider, 0, 1000, 1, http);
            Field field = MlflowClient.class.getDeclaredField("httpCaller");
            field.setAccessible(true);
            field.set(client, caller);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("mlflow: could not disable the MLflow client's built-in retries ({}); keeping them", e.toString());
        }
    }

    Optional<Experiment> experimentByName(String name) throws SinkException {
        return call("experiments/get-by-name", () -> client.getExperimentByName(name));
    }

    String createExperiment(String name) throws SinkException {
        return call("experiments/create", () -> client.createExperiment(name));
    }

    /** Runs (deleted ones included) whose tag {@code key} equals {@code value}, oldest first. */
    List<RunInfo> runsTagged(String experimentId, String key, String value) throws SinkException {
        String filter = "tags.`" + key + "` = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
        RunsPage page = call("runs/search", () -> client.searchRuns(List.of(experimentId), filter, ViewType.ALL, 10,
                List.of("attributes.start_time ASC")));
        return page.getItems().stream().map(Run::getInfo).toList();
    }

    RunInfo createRun(CreateRun request) throws SinkException {
        return call("runs/create", () -> client.createRun(request));
    }

    Run getRun(String runId) throws SinkException {
        return call("runs/get", () -> client.getRun(runId));
    }

    void logBatch(String runId, List<Metric> metrics, List<Param> params, List<RunTag> tags) throws SinkException {
        call("runs/log-batch", () -> {
            client.logBatch(runId, metrics, params, tags);
            return null;
        });
    }

    /** runs/update; endTime null leaves it unset (resuming to RUNNING must not stamp an end). */
    void updateStatus(String runId, RunStatus status, Long endTime) throws SinkException {
        ObjectNode body = JSON.createObjectNode().put("run_id", runId).put("status", status.name());
        if (endTime != null) {
            body.put("end_time", endTime);
        }
        call("runs/update", () -> client.sendPost("runs/update", body.toString()));
    }

    private <T> T call(String operation, ClientCall<T> call) throws SinkException {
        lastRetryAfterMillis.set(0);
        try {
            return call.run();
        } catch (MlflowHttpException e) {
            throw failures.http(operation, e.getStatusCode(), e.getBodyMessage(), lastRetryAfterMillis.get());
        } catch (MlflowClientException e) {
            if (e.getCause() instanceof IOException io) {
                throw failures.io(operation, io);
            }
            throw failures.notRetryable("MLflow " + operation + " failed: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface ClientCall<T> {
        T run();
    }

    @Override
    public void close() {
        client.close();
        try {
            http.close();
        } catch (IOException ignored) {
            // closing idle connections; nothing to recover
        }
    }
}
