package org.coverlab.track.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import javax.net.ssl.SSLException;
import org.coverlab.track.RemoteSink.SinkException;

/**
 * Turns failed MLflow calls into {@link SinkException}s the sender can act on: 429, 408 and 5xx answers and connection
 * problems are retryable (the server or network may recover), every other 4xx is not (the same request would fail
 * again). Messages name the operation and server and carry MLflow's error code, with credentials redacted.
 */
final class MlflowFailures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_CHARS = 300;

    private final URI server;
    private final MlflowCredentials credentials;

    MlflowFailures(URI server, MlflowCredentials credentials) {
        this.server = server;
        this.credentials = credentials;
    }

    static boolean isRetryableStatus(int status) {
        return status == 429 || status == 408 || status >= 500;
    }

    SinkException http(String operation, int status, String body, long retryAfterMillis) {
        StringBuilder msg = new StringBuilder("MLflow ").append(operation).append(" at ").append(server)
                .append(" failed: HTTP ").append(status);
        String detail = describeBody(body);
        if (!detail.isEmpty()) {
            msg.append(" ").append(detail);
        }
        String hint = hint(status, detail);
        if (!hint.isEmpty()) {
            msg.append(" (").append(hint).append(")");
        }
        boolean retryable = isRetryableStatus(status);
        return new SinkException(credentials.redact(msg.toString()), retryable, retryable ? retryAfterMillis : 0, null);
    }

    SinkException io(String operation, IOException e) {
        String what;
        boolean retryable = true;
        if (e instanceof UnknownHostException) {
            // Usually a typo, but also what a laptop offline sees; stay retryable so 'runs sync' can finish later.
            what = "cannot resolve host '" + server.getHost() + "' (check tracking.tracking_uri)";
        } else if (e instanceof ConnectException) {
            what = "cannot connect (is the server running? " + safeMessage(e) + ")";
        } else if (e instanceof InterruptedIOException) {
            what = "no answer in time (" + safeMessage(e) + ")";
        } else if (e instanceof FileNotFoundException || e instanceof NoSuchFileException) {
            // Not the network: the file (say, a checkpoint pruned by train.keep_last) went away during its upload.
            // Retryable so the sender sends the batch again; the sink then finds the file gone and skips it.
            what = "the local file was deleted before it was uploaded (" + safeMessage(e) + ")";
        } else if (e instanceof SSLException) {
            what = "TLS handshake failed (" + safeMessage(e) + ")";
            retryable = false;
        } else {
            what = "connection failed (" + e.getClass().getSimpleName() + ": " + safeMessage(e) + ")";
        }
        String msg = "MLflow " + operation + " at " + server + " failed: " + what;
        return new SinkException(credentials.redact(msg), retryable, 0, e);
    }

    SinkException notRetryable(String message) {
        return new SinkException(credentials.redact(message), false, 0, null);
    }

    private static String hint(int status, String detail) {
        return switch (status) {
            case 401 -> "the server wants credentials: set " + MlflowCredentials.USERNAME_ENV + " and "
                    + MlflowCredentials.PASSWORD_ENV + ", or " + MlflowCredentials.TOKEN_ENV;
            case 403 -> "the credentials are not allowed to do this";
            case 404 -> detail.contains("RESOURCE_DOES_NOT_EXIST") ? ""
                    : "is tracking.tracking_uri the root of an MLflow tracking server?";
            default -> "";
        };
    }

    /** MLflow's {error_code, message}, or the start of a non-JSON body (an HTML error page from a proxy). */
    private static String describeBody(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.has("error_code")) {
                String text = node.path("error_code").asText() + ": " + node.path("message").asText("");
                return truncate(text);
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        return truncate(body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip());
    }

    private static String truncate(String s) {
        return s.length() <= MAX_BODY_CHARS ? s : s.substring(0, MAX_BODY_CHARS) + "...";
    }

    private static String safeMessage(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Retry-After as delay-seconds or an HTTP date; 0 when absent or unparseable. */
    static long parseRetryAfter(String value, long nowMillis) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.strip();
        try {
            return Math.max(0, Duration.ofSeconds(Long.parseLong(v)).toMillis());
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - nowMillis);
            } catch (DateTimeParseException notDate) {
                return 0;
            }
        }
    }
}
