package org.coverlab.track;

import org.coverlab.run.JournalEntry;
import org.coverlab.run.JournalReader;
import org.coverlab.run.RunEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one run's journal into one remote sink: opens the sink, sends batches after the durable cursor, writes the
 * cursor after each acknowledged batch, and backs off on retryable failures. A non-retryable failure stops this sink
 * only. Runs on its own thread so a slow or unreachable server never holds back another sink or the training loop.
 */
final class SinkWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    /** The {@link RunEvent.Artifact#kind} the run store gives checkpoint announcements. */
    private static final String CHECKPOINT_KIND = "checkpoint";

    private final String runId;
    private final String runName;
    private final Path runDir;
    private final JournalReader journal;
    private final RemoteSink sink;
    private final SinkCursorStore cursors;
    private final SenderOptions options;
    private final SplittableRandom random = new SplittableRandom();
    private final Redactor redactor = Redactor.none();

    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean finishing;
    private volatile long deadlineNanos = Long.MAX_VALUE;

    private volatile SinkCursor cursor = SinkCursor.START;
    private volatile SinkReport.State outcome;
    private volatile String reason = "";
    /** Whether anything was handed to the sink (the remote run is opened only then). */
    private volatile boolean opened;

    SinkWorker(String runId, String runName, Path runDir, JournalReader journal, RemoteSink sink, SenderOptions options) {
        this.runId = runId;
        this.runName = runName;
        this.runDir = runDir;
        this.journal = journal;
        this.sink = sink;
        this.cursors = new SinkCursorStore(runDir);
        this.options = options;
    }

    String sinkName() {
        return sink.name();
    }

    /** New journal entries are there: stop idling. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Send what is left, then stop; give up at {@code deadline} (System.nanoTime) with the rest still pending. */
    void finish(long deadline) {
        deadlineNanos = deadline;
        finishing = true;
        wake();
    }

    @Override
    public void run() {
        try {
            drain();
        } catch (RuntimeException e) {
            stop("unexpected " + redactor.describe(e));
            LOG.error("{}: sender failed", sink.name(), redactor.sanitize(e));
        } finally {
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.warn("{}: closing the sink failed: {}", sink.name(), redactor.describe(e));
            }
        }
    }

    SinkReport report() {
        long journalSeq;
        try {
            journalSeq = journal.lastSeq();
        } catch (IOException e) {
            journalSeq = cursor.seq();
        }
        SinkReport.State state = outcome != null ? outcome : SinkReport.State.TIMED_OUT;
        return new SinkReport(sink.name(), state, cursor.seq(), journalSeq, reason, !opened && state == SinkReport.State.DELIVERED);
    }

    private void drain() {
        SinkCursor current;
        try {
            current = startingCursor();
        } catch (IOException e) {
            stop(redactor.describe(e));
            return;
        }
        cursor = current;
        int failures = 0;
        while (true) {
            if (finishing && System.nanoTime() >= deadlineNanos) {
                outcome = SinkReport.State.TIMED_OUT;
                return;
            }
            try {
                List<JournalEntry> batch = holdBackUnwrittenCheckpoint(journal.readAfter(current.seq(), options.batchSize()));
                if (batch.isEmpty()) {
                    if (finishing) {
                        outcome = SinkReport.State.DELIVERED;
                        return;
                    }
                    idle(options.pollInterval().toMillis());
                    continue;
                }
                List<JournalEntry> unsent = current.unsent(batch);
                if (!unsent.isEmpty()) {
                    // Opened only when there is something to send: a sync of a run the server already has complete
                    // must not touch it (nor fail on a key that is no longer valid).
                    if (!opened) {
                        sink.open(runId, runName, runDir);
                        opened = true;
                        if (!cursors.exists(sink.name())) {
                            cursors.write(sink.name(), current); // marks the remote run as ours for later resumes
                        }
                    }
                    sink.send(unsent);
                }
                current = current.advance(batch);
                cursors.write(sink.name(), current);
                cursor = current;
                if (!unsent.isEmpty() && batch.size() < options.batchSize()) {
                    holdOff(options.sendInterval().toMillis()); // caught up: let the next batch gather
                }
                if (failures > 0) {
                    LOG.info("{}: sending again after {} failed attempt(s); acknowledged up to journal entry {}",
                            sink.name(), failures, current.seq());
                }
                failures = 0;
                reason = "";
            } catch (RemoteSink.SinkException e) {
                String message = redactor.redact(e.getMessage());
                if (Thread.currentThread().isInterrupted()) { // the sender's deadline passed during this send
                    reason = message;
                    outcome = SinkReport.State.TIMED_OUT;
                    return;
                }
                if (!e.retryable()) {
                    stop(message);
                    LOG.error("{}: stopped sending for run {}: {}. The journal keeps the rest; after fixing this run "
                            + "'coverlab runs sync {} --tracker {}'", sink.name(), runId, message, runId, sink.name());
                    return;
                }
                long delay = options.backoff().delayMillis(failures, e.retryAfterMillis(), random);
                failures++;
                reason = message;
                LOG.warn("{}: {} (attempt {}); retrying in {} ms", sink.name(), message, failures, delay);
                pause(delay);
            } catch (IOException e) {
                stop("local run files: " + redactor.describe(e));
                LOG.error("{}: stopped sending for run {}: {}", sink.name(), runId, reason);
                return;
            }
        }
    }

    /** The stored cursor, rewound when the journal no longer holds the entry it acknowledged (cut back on resume). */
    private SinkCursor startingCursor() throws IOException {
        SinkCursor stored = cursors.read(sink.name()).orElse(SinkCursor.START);
        if (stored.seq() == 0 || stored.fingerprint().isEmpty()) {
            return stored;
        }
        List<JournalEntry> atCursor = journal.readAfter(stored.seq() - 1, 1);
        if (atCursor.isEmpty() || !stored.matches(atCursor.get(0))) {
            LOG.info("{}: the journal was rewritten after entry {} was sent (resumed from a checkpoint); replaying it "
                    + "from the start, skipping metrics up to step {} that are already on the server",
                    sink.name(), stored.seq(), stored.step());
            return stored.rewound();
        }
        return stored;
    }

    /**
     * A checkpoint is announced in the journal before its files are written (a resume from it then keeps the
     * announcement), so while the run goes the batch's last entry may announce a checkpoint whose folder is still
     * being written. Sending it now would find no files and skip the checkpoint for good; it is held back until its
     * folder is in place (moved there atomically when complete) or a later entry shows the save is over. Once the
     * sender finishes, the writer is gone and nothing is held back.
     */
    private List<JournalEntry> holdBackUnwrittenCheckpoint(List<JournalEntry> batch) {
        if (finishing || batch.isEmpty()) {
            return batch;
        }
        RunEvent last = batch.get(batch.size() - 1).event();
        if (last instanceof RunEvent.Artifact a && CHECKPOINT_KIND.equals(a.kind()) && !Files.exists(runDir.resolve(a.path()))) {
            return batch.subList(0, batch.size() - 1);
        }
        return batch;
    }

    private void stop(String why) {
        reason = why;
        outcome = SinkReport.State.STOPPED;
    }

    /** Waits for new entries, a wake-up, or the poll interval. */
    private void idle(long millis) {
        synchronized (signal) {
            if (!woken && !finishing) {
                waitOn(millis);
            }
            woken = false;
        }
    }

    /** Waits up to {@code millis} between sends while the run goes; ends at once when the sender finishes. */
    private void holdOff(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (signal) {
            while (!finishing && !Thread.currentThread().isInterrupted()) {
                long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                waitOn(left);
            }
        }
    }

    /** Backoff: waits the full delay (wake-ups do not cut it short) but not past the flush deadline. */
    private void pause(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (signal) {
            while (true) {
                long end = finishing ? Math.min(until, deadlineNanos) : until;
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return;
                }
                waitOn(left);
            }
        }
    }

    private void waitOn(long millis) {
        try {
            signal.wait(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The sender interrupts only when the flush deadline passed; the loop sees it and stops.
            deadlineNanos = System.nanoTime();
            finishing = true;
        }
    }
}
