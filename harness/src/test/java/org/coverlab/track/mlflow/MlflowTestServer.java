package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The real MLflow server the integration tests talk to: {@value #ENV}, as exported by {@code .ci/run} after
 * {@code scripts/mlflow-server start}. Unset on a developer machine the tests are skipped with how to run them; unset
 * in CI ({@code CI=true}) they fail, so a broken server start-up can never pass as "all green".
 */
public final class MlflowTestServer {

    public static final String ENV = "COVERLAB_TEST_MLFLOW_URI";
    /** A second server with MLflow's basic-auth app: {@code scripts/mlflow-server start --auth}. */
    public static final String AUTH_ENV = "COVERLAB_TEST_MLFLOW_AUTH_URI";
    /** The auth server's throwaway admin, as set by scripts/mlflow-server. */
    public static final String AUTH_USER = "coverlab-admin";
    public static final String AUTH_PASSWORD = "coverlab-test-only-pw";

    private MlflowTestServer() {}

    public static String uri() {
        return fromEnv(ENV, "");
    }

    public static String authUri() {
        return fromEnv(AUTH_ENV, " --auth");
    }

    private static String fromEnv(String env, String flag) {
        String uri = System.getenv(env);
        if (uri != null && !uri.isBlank()) {
            return uri.strip();
        }
        String how = "start one with `scripts/mlflow-server start" + flag + "` and export " + env
                + "=$(scripts/mlflow-server uri" + flag + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(env + " is not set, but CI=true: the MLflow integration tests must run in CI; " + how);
        }
        Assumptions.abort(env + " is not set, so the tests against a real MLflow server are skipped; " + how);
        throw new AssertionError("unreachable");
    }
}
