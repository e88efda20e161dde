package org.coverlab.run;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One line of {@code events.jsonl}: gap-free sequence number, the optimizer step the run was at (the event's own step,
 * or the last step seen for step-less events such as summaries), the wall-clock time (ISO-8601 UTC, for people reading the file; the event's own
 * {@code timeMillis} is the exact value), and the event.
 */
@JsonPropertyOrder({"seq", "step", "time", "event"})
public record JournalRecord(long seq, long step, String time, RunEvent event) {

    public JournalEntry toEntry() {
        return new JournalEntry(seq, event);
    }

    /** The step an event belongs to, or {@code fallback} for events that have none. */
    public static long stepOf(RunEvent event, long fallback) {
        if (event instanceof RunEvent.Metrics m) {
            return m.step();
        } else if (event instanceof RunEvent.Image i) {
            return i.step();
        } else if (event instanceof RunEvent.Artifact a) {
            return a.step();
        }
        return fallback;
    }
}
