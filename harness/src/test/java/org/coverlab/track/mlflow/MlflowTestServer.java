package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The real MLflow server the integration tests talk to: {@value #ENV}, as exported by {@code .ci/run} after
 * {@code scripts/mlflow-server start}. Unset on a developer machine the tests are skipped with how to run them; unset
 * in CI ({@code CI=true}) they fail, so a broken server start-up can never pass as "all green".
 */
final class MlflowTestServer {

    static final String ENV = "COVERLAB_TEST_MLFLOW_URI";

    private MlflowTestServer() {}

    static String uri() {
        String uri = System.getenv(ENV);
        if (uri != null && !uri.isBlank()) {
            return uri.strip();
        }
        String how = "start one with `scripts/mlflow-server start` and export " + ENV + "=$(scripts/mlflow-server uri)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(ENV + " is not set, but CI=true: the MLflow integration tests must run in CI; " + how);
        }
        Assumptions.abort(ENV + " is not set, so the tests against a real MLflow server are skipped; " + how);
        throw new AssertionError("unreachable");
    }
}
