package org.coverlab.run;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The always-on tracker: every event is appended to the run's journal and fsync'd before {@link #log} returns.
 * A journal write failure is thrown (a run that silently stops recording its metrics is worse than a failed run).
 */
public final class LocalTracker implements Tracker {

    private final Journal journal;

    public LocalTracker(Journal journal) {
        this.journal = journal;
    }

    @Override
    public synchronized void log(RunEvent event) {
        try {
            journal.append(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + journal.file() + ": " + e.getMessage(), e);
        }
    }

    /** Sequence number of the last event written. */
    public synchronized long lastSeq() {
        return journal.lastSeq();
    }

    /** Closing is the owner's job (the runner closes the journal after the final event). */
    @Override
    public void close() {}
}
