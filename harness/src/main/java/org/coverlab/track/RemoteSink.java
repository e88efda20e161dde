package org.coverlab.track;

import org.coverlab.run.JournalEntry;
import java.nio.file.Path;
import java.util.List;

/**
 * A remote tracker (W&B, MLflow) fed from a run's local journal by the background sender. Implementations keep no
 * durable state of their own beyond what {@link #open} can re-derive from the server plus the sender's cursor, so a
 * replay after a crash ({@code coverlab runs sync}) is idempotent: entries already on the server are skipped, not duplicated.
 */
public interface RemoteSink extends AutoCloseable {

    /** Stable short name used for the cursor file and log lines: wandb, mlflow. */
    String name();

    /**
     * Starts the remote run or resumes it by the local run id. Called once before any {@link #send}.
     *
     * @param runDir the run directory (for resolving relative paths of images and artifacts)
     */
    void open(String runId, String runName, Path runDir) throws SinkException;

    /** Sends entries in journal order; on return they are durably on the server. Throws to have the sender retry. */
    void send(List<JournalEntry> entries) throws SinkException;

    /**
     * Whether checkpoints go up in a lane of their own: the sender then hands checkpoint announcements (artifacts of
     * kind {@code checkpoint}) to {@link #sendCheckpoints} from a second thread, concurrently with {@link #send}, which
     * gets everything else, so a long upload never holds back the history logged after it. The run's
     * {@link org.coverlab.run.RunEvent.Finished} reaches {@link #send} only once every checkpoint before it is up.
     */
    default boolean uploadsCheckpointsBeside() {
        return false;
    }

    /** Uploads checkpoint announcements (journal order); on return they are on the server. See {@link #uploadsCheckpointsBeside}. */
    default void sendCheckpoints(List<JournalEntry> checkpoints) throws SinkException {
        send(checkpoints);
    }

    /**
     * Cancels the requests in flight, from another thread, without interrupting the sending thread (an interrupt can
     * land in a file write): the send in progress fails at once with its batch unacknowledged. Called when the sender
     * stops (Ctrl-C, SIGTERM) or its flush time is over; the next sync sends the batch again, and what the server
     * applied before the cancel is known to {@link #open} from the server's own state, so nothing goes twice.
     */
    default void abort() {
    }

    @Override
    void close();

    /** A failed remote call; {@code retryable} false means retrying the same request cannot succeed (e.g. 401). */
    final class SinkException extends Exception {
        private final boolean retryable;
        private final long retryAfterMillis;

        public SinkException(String message, boolean retryable, long retryAfterMillis, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
            this.retryAfterMillis = retryAfterMillis;
        }

        public boolean retryable() {
            return retryable;
        }

        /** Server-requested wait (Retry-After), or 0 to use the sender's backoff. */
        public long retryAfterMillis() {
            return retryAfterMillis;
        }
    }
}
