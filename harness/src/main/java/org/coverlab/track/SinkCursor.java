package org.coverlab.track;

import org.coverlab.run.JournalEntry;
import org.coverlab.run.RunEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * How far one remote sink has got with a run's journal: the last acknowledged sequence number, the highest metrics
 * step it has sent, and a fingerprint of the acknowledged entry (type and time) that tells whether the journal still
 * holds the same entry at that sequence number.
 *
 * <p>Why the step as well as the sequence number: when a run resumes from a checkpoint, the journal's tail after the
 * checkpoint is cut back and the resumed training re-appends entries for the same steps under new sequence numbers.
 * Replaying those would log every step after the checkpoint twice. So metrics at a step {@code <= step} are skipped
 * ({@link #unsent}); images and artifacts are skipped only at steps strictly below it, because at the last step itself
 * they may legitimately follow the metrics that were sent (sinks overwrite media of the same step, so a repeat is
 * harmless).
 */
public record SinkCursor(long seq, long step, String fingerprint) {

    public static final SinkCursor START = new SinkCursor(0, -1, "");

    /** The cursor after {@code batch} (in journal order) has been acknowledged. */
    public SinkCursor advance(List<JournalEntry> batch) {
        if (batch.isEmpty()) {
            return this;
        }
        long lastStep = step;
        for (JournalEntry entry : batch) {
            if (entry.event() instanceof RunEvent.Metrics metrics) {
                lastStep = Math.max(lastStep, metrics.step());
            }
        }
        JournalEntry last = batch.get(batch.size() - 1);
        return new SinkCursor(last.seq(), lastStep, fingerprintOf(last));
    }

    /** The entries of {@code batch} the sink has not had yet (see the class comment for the step rule). */
    public List<JournalEntry> unsent(List<JournalEntry> batch) {
        List<JournalEntry> out = new ArrayList<>(batch.size());
        for (JournalEntry entry : batch) {
            if (entry.seq() <= seq) {
                continue;
            }
            RunEvent event = entry.event();
            boolean duplicate = event instanceof RunEvent.Metrics m ? m.step() <= step
                    : event instanceof RunEvent.Image i ? i.step() < step
                    : event instanceof RunEvent.Artifact a && a.step() < step;
            if (!duplicate) {
                out.add(entry);
            }
        }
        return out;
    }

    /** Whether the journal entry at {@link #seq} is still the one this cursor acknowledged. */
    public boolean matches(JournalEntry entry) {
        return entry.seq() == seq && fingerprintOf(entry).equals(fingerprint);
    }

    /** Start over from the beginning of the journal, keeping the step so nothing already sent is sent again. */
    public SinkCursor rewound() {
        return new SinkCursor(0, step, "");
    }

    public static String fingerprintOf(JournalEntry entry) {
        return entry.event().getClass().getSimpleName().toLowerCase() + "@" + entry.event().timeMillis();
    }
}
