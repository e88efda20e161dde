package org.coverlab.track;

/**
 * Where one sink stands when the sender stops.
 *
 * @param acknowledgedSeq last journal entry the sink acknowledged
 * @param journalSeq      last journal entry at the time of the report
 * @param reason          why the sink stopped early (redacted), or empty
 * @param sentNothing     the sink had nothing left to send: the server was not even contacted
 */
public record SinkReport(String sink, State state, long acknowledgedSeq, long journalSeq, String reason, boolean sentNothing) {

    public enum State {
        /** Everything in the journal is on the server. */
        DELIVERED,
        /** The flush time ran out while the server was slow or unreachable. */
        TIMED_OUT,
        /** A non-retryable error (bad key, missing project, refused resume): sending stopped. */
        STOPPED,
        /** The sender was asked to stop (Ctrl-C, SIGTERM) before everything was sent. */
        CANCELLED
    }

    public long pending() {
        return Math.max(0, journalSeq - acknowledgedSeq);
    }

    /** One line for the console and the run log. */
    public String describe(String runId) {
        if (state == State.DELIVERED && pending() == 0) {
            return sink + ": all " + journalSeq + " journal entries sent"
                    + (sentNothing ? " already; nothing left to send" : "");
        }
        String why = switch (state) {
            case DELIVERED -> "more entries arrived after the flush";
            case TIMED_OUT -> "flush time ran out" + (reason.isEmpty() ? "" : " (" + reason + ")");
            case STOPPED -> "stopped: " + reason;
            case CANCELLED -> reason;
        };
        return sink + ": " + pending() + " of " + journalSeq + " journal entries not sent, " + why
                + "; send them later with: coverlab runs sync " + runId + " --tracker " + sink;
    }
}
