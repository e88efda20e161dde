package org.coverlab.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle of a run as recorded in state.json. */
public enum RunStatus {
    /** Created with its id and resolved spec but never started (a study member waiting for its executor);
     * {@code coverlab run --resume ID} starts it. */
    PENDING,
    /** A process is (or was, until it died without a trace) driving the run. */
    RUNNING,
    /** Every stage completed. */
    FINISHED,
    /** A stage threw; the error is in run.log and state.json. */
    FAILED,
    /** Stopped by a signal (Ctrl-C, SIGTERM); resumable. */
    KILLED;

    @JsonValue
    public String key() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static RunStatus of(String key) {
        return valueOf(key.toUpperCase());
    }
}
