package org.coverlab.track.mlflow;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.coverlab.spec.TrackingSpec;

/**
 * Where and how the MLflow sink talks to a tracking server: the validated tracking URI, the experiment name, the
 * credentials and the per-request timeouts. Built from the spec's tracking section and the process environment.
 */
public record MlflowEndpoint(URI trackingUri, String experiment, MlflowCredentials credentials, Duration connectTimeout,
        Duration readTimeout) {

    /** Environment variable that overrides {@code tracking.tracking_uri}, as in the Python client. */
    public static final String TRACKING_URI_ENV = "MLFLOW_TRACKING_URI";

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    public MlflowEndpoint {
        if (experiment == null || experiment.isBlank()) {
            throw new IllegalArgumentException("tracking.project: the MLflow experiment name must not be empty");
        }
        if (experiment.length() > 500) {
            throw new IllegalArgumentException("tracking.project: the MLflow experiment name is longer than 500 characters");
        }
    }

    /**
     * The endpoint for a spec: {@code tracking.tracking_uri}, else {@value #TRACKING_URI_ENV}; experiment
     * {@code tracking.project}; credentials from MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN.
     */
    public static MlflowEndpoint of(TrackingSpec tracking, Map<String, String> env) {
        String uri = tracking.trackingUri();
        String source = "tracking.tracking_uri";
        if (uri == null || uri.isBlank()) {
            uri = env.get(TRACKING_URI_ENV);
            source = TRACKING_URI_ENV;
        }
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("tracking.tracking_uri: the mlflow backend needs a tracking server URI "
                    + "(e.g. http://127.0.0.1:5000), set in the spec or in " + TRACKING_URI_ENV);
        }
        return new MlflowEndpoint(parseTrackingUri(uri, source), tracking.project(), MlflowCredentials.fromEnv(env),
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    public static MlflowEndpoint of(String trackingUri, String experiment, MlflowCredentials credentials) {
        return new MlflowEndpoint(parseTrackingUri(trackingUri, "tracking.tracking_uri"), experiment, credentials,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    public MlflowEndpoint withTimeouts(Duration connect, Duration read) {
        return new MlflowEndpoint(trackingUri, experiment, credentials, connect, read);
    }

    /**
     * Accepts http(s) URIs with a host and no credentials; a trailing slash is dropped. Local paths, file: and
     * databricks URIs are refused because this sink speaks only the REST API of a tracking server.
     */
    static URI parseTrackingUri(String text, String source) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(source + ": '" + stripUserInfo(text) + "' is not a valid URI ("
                    + e.getReason() + "); expected e.g. http://127.0.0.1:5000");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(source + ": '" + stripUserInfo(text) + "' is not an http(s) URI of an "
                    + "MLflow tracking server; expected e.g. http://127.0.0.1:5000");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(source + ": '" + stripUserInfo(text) + "' has no host name");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(source + ": credentials in the URI are not accepted (they would be "
                    + "logged with the spec); set " + MlflowCredentials.USERNAME_ENV + "/" + MlflowCredentials.PASSWORD_ENV
                    + " or " + MlflowCredentials.TOKEN_ENV + " instead");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(source + ": '" + text + "' must not have a query or fragment");
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    /** Drops a user:password@ part so a mistyped URI can be quoted in an error message. */
    static String stripUserInfo(String text) {
        return text.replaceAll("(?<=//)[^/@]*@", "***@");
    }
}
