package org.coverlab.track.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.coverlab.track.Redactor;

/**
 * Credentials for an MLflow server, read from the same environment variables the Python client uses. They never live in
 * a spec, run directory or log line: {@link #toString} is redacted and {@link #redact} scrubs them from any text that
 * leaves the sink (exception messages, warnings).
 */
public final class MlflowCredentials {

    public static final String USERNAME_ENV = "MLFLOW_TRACKING_USERNAME";
    public static final String PASSWORD_ENV = "MLFLOW_TRACKING_PASSWORD";
    public static final String TOKEN_ENV = "MLFLOW_TRACKING_TOKEN";

    public static final MlflowCredentials NONE = new MlflowCredentials(null, null, null);

    private static final String MASK = Redactor.MASK;

    private final String username;
    private final String password;
    private final String token;
    private final Redactor redactor;

    private MlflowCredentials(String username, String password, String token) {
        this.username = username;
        this.password = password;
        this.token = token;
        // The secrets as they appear in text: password, token, and the Basic pair's encoding (masked at any length).
        String encodedPair = authorizationHeader().map(h -> h.substring(h.indexOf(' ') + 1)).orElse(null);
        this.redactor = Redactor.ofExact(encodedPair, password, token);
    }

    public static MlflowCredentials basic(String username, String password) {
        return new MlflowCredentials(username, password, null);
    }

    public static MlflowCredentials token(String token) {
        return new MlflowCredentials(null, null, token);
    }

    /**
     * Username + password (HTTP basic) when both are set, else a bearer token when set, else none; a username without a
     * password (or the reverse) is a configuration error, reported without echoing either value.
     */
    public static MlflowCredentials fromEnv(Map<String, String> env) {
        String user = blankToNull(env.get(USERNAME_ENV));
        String pass = blankToNull(env.get(PASSWORD_ENV));
        String tok = blankToNull(env.get(TOKEN_ENV));
        if ((user == null) != (pass == null)) {
            throw new IllegalArgumentException(USERNAME_ENV + " and " + PASSWORD_ENV + " must be set together (only "
                    + (user == null ? PASSWORD_ENV : USERNAME_ENV) + " is set)");
        }
        return new MlflowCredentials(user, pass, user == null ? tok : null);
    }

    public boolean isBasic() {
        return username != null;
    }

    public boolean isToken() {
        return token != null;
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    String tokenValue() {
        return token;
    }

    /** The Authorization header value, if any: Basic for username/password, Bearer for a token. */
    Optional<String> authorizationHeader() {
        if (username != null) {
            String pair = username + ":" + password;
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return token == null ? Optional.empty() : Optional.of("Bearer " + token);
    }

    /**
     * Replaces every secret (and its basic-auth encoding) in {@code text} with ***, and strips URL user-info and query
     * strings as {@link Redactor} does for every sink.
     */
    public String redact(String text) {
        return redactor.redact(text);
    }

    @Override
    public String toString() {
        if (username != null) {
            return "MlflowCredentials[basic, username=" + MASK + ", password=" + MASK + "]";
        }
        return token != null ? "MlflowCredentials[token=" + MASK + "]" : "MlflowCredentials[none]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
