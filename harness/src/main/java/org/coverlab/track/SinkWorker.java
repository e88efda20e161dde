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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one run's journal into one remote sink: opens the sink, sends batches after the durable cursor, writes the
 * cursor after each acknowledged batch, and backs off on retryable failures. A non-retryable failure stops this sink
 * only. Runs on threads of its own so a slow or unreachable server never holds back another sink or the training loop.
 *
 * <p>A sink that {@linkplain RemoteSink#uploadsCheckpointsBeside uploads checkpoints beside its stream} gets two
 * lanes, each a thread with its own durable cursor: the stream lane ({@code sinks/<name>.json}) sends everything but
 * checkpoints, the checkpoint lane ({@code sinks/<name>.uploads.json}) only checkpoints. History then never waits for
 * an upload; the run's Finished entry waits until the checkpoint lane has every checkpoint before it, so the remote run
 * is complete only with its checkpoints. Other sinks get one lane that sends everything in journal order.
 */
final class SinkWorker {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    /** The {@link RunEvent.Artifact#kind} the run store gives checkpoint announcements. */
    private static final String CHECKPOINT_KIND = "checkpoint";

    /** What a lane sends. */
    private enum Part { ALL, STREAM, CHECKPOINTS }

    private final String runId;
    private final String runName;
    private final Path runDir;
    private final JournalReader journal;
    private final RemoteSink sink;
    private final SinkCursorStore cursors;
    private final SenderOptions options;
    private final Redactor redactor = Redactor.none();
    private final List<Lane> lanes;
    private final Lane stream;
    /** The checkpoint lane, or null when the sink sends checkpoints with everything else. */
    private final Lane checkpoints;
    private final AtomicInteger running;

    private final Object openLock = new Object();
    /** Whether anything was handed to the sink (the remote run is opened only then). */
    private volatile boolean opened;
    /** Why the sender was stopped before its flush time (Ctrl-C, SIGTERM), or null. */
    private volatile String cancelled;

    SinkWorker(String runId, String runName, Path runDir, JournalReader journal, RemoteSink sink, SenderOptions options) {
        this.runId = runId;
        this.runName = runName;
        this.runDir = runDir;
        this.journal = journal;
        this.sink = sink;
        this.cursors = new SinkCursorStore(runDir);
        this.options = options;
        if (sink.uploadsCheckpointsBeside()) {
            stream = new Lane(Part.STREAM, sink.name());
            checkpoints = new Lane(Part.CHECKPOINTS, SinkCursorStore.uploadsOf(sink.name()));
            lanes = List.of(stream, checkpoints);
        } else {
            stream = new Lane(Part.ALL, sink.name());
            checkpoints = null;
            lanes = List.of(stream);
        }
        running = new AtomicInteger(lanes.size());
        if (checkpoints != null) {
            seedCheckpointCursor();
        }
    }

    /**
     * Before either lane moves, the checkpoint lane's cursor exists: retention reads it (not the stream lane's, which
     * passes checkpoints it does not send). A run the sink so far sent in one lane continues where that lane stood.
     */
    private void seedCheckpointCursor() {
        String name = SinkCursorStore.uploadsOf(sink.name());
        try {
            if (!cursors.exists(name)) {
                cursors.write(name, cursors.read(sink.name()).orElse(SinkCursor.START));
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot write its checkpoint cursor: {}", sink.name(), redactor.describe(e));
        }
    }

    String sinkName() {
        return sink.name();
    }

    /** The lanes to run, one thread each; the sink is closed when the last one ends. */
    List<Lane> lanes() {
        return lanes;
    }

    /** New journal entries are there: stop idling. */
    void wake() {
        lanes.forEach(Lane::wake);
    }

    /** Send what is left, then stop; give up at {@code deadline} (System.nanoTime) with the rest still pending. */
    void finish(long deadline) {
        lanes.forEach(lane -> lane.finish(deadline));
    }

    /** Stop now: each lane ends at its next check, leaving what it has not had acknowledged to the next sync. */
    void cancel(String why) {
        cancelled = why;
        finish(System.nanoTime());
    }

    /** Cancels the sink's requests in flight (see {@link RemoteSink#abort}); the lanes then see their deadline. */
    void abort() {
        try {
            sink.abort();
        } catch (RuntimeException e) {
            LOG.warn("{}: cancelling its requests failed: {}", sink.name(), redactor.describe(e));
        }
    }

    SinkReport report() {
        long acknowledged = lanes.stream().mapToLong(lane -> lane.cursor.seq()).min().orElse(0);
        long journalSeq;
        try {
            journalSeq = journal.lastSeq();
        } catch (IOException e) {
            journalSeq = acknowledged;
        }
        SinkReport.State state = SinkReport.State.DELIVERED;
        String reason = "";
        for (Lane lane : lanes) {
            SinkReport.State laneState = lane.outcome != null ? lane.outcome : SinkReport.State.TIMED_OUT;
            if (laneState.ordinal() > state.ordinal()) { // DELIVERED < TIMED_OUT < STOPPED
                state = laneState;
                reason = lane.reason;
            } else if (reason.isEmpty()) {
                reason = lane.reason;
            }
        }
        if (cancelled != null && state == SinkReport.State.TIMED_OUT) {
            state = SinkReport.State.CANCELLED;
            reason = cancelled;
        }
        return new SinkReport(sink.name(), state, acknowledged, journalSeq, state == SinkReport.State.DELIVERED ? "" : reason,
                !opened && state == SinkReport.State.DELIVERED);
    }

    /** Opens the remote run once, for whichever lane first has something to send. */
    private void ensureOpen() throws RemoteSink.SinkException, IOException {
        synchronized (openLock) {
            if (opened) {
                return;
            }
            // Opened only when there is something to send: a sync of a run the server already has complete must not
            // touch it (nor fail on a key that is no longer valid).
            sink.open(runId, runName, runDir);
            opened = true;
            if (!cursors.exists(sink.name())) {
                cursors.write(sink.name(), stream.cursor); // marks the remote run as ours for later resumes
            }
        }
    }

    private void laneEnded() {
        if (running.decrementAndGet() > 0) {
            return;
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the sink failed: {}", sink.name(), redactor.describe(e));
        }
    }

    /** One thread's share of the sink: a part of the journal, with its own cursor, backoff and wake-ups. */
    final class Lane implements Runnable {

        private final Part part;
        private final String cursorName;
        private final SplittableRandom random = new SplittableRandom();
        private final Object signal = new Object();
        private boolean woken;
        private volatile boolean finishing;
        private volatile long deadlineNanos = Long.MAX_VALUE;

        private volatile SinkCursor cursor = SinkCursor.START;
        private volatile SinkReport.State outcome;
        private volatile String reason = "";

        private Lane(Part part, String cursorName) {
            this.part = part;
            this.cursorName = cursorName;
        }

        /** The thread name's suffix: the sink, and for a checkpoint lane that it is one. */
        String label() {
            return part == Part.CHECKPOINTS ? sink.name() + "-checkpoints" : sink.name();
        }

        void wake() {
            synchronized (signal) {
                woken = true;
                signal.notifyAll();
            }
        }

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
                LOG.error("{}: sender failed", label(), redactor.sanitize(e));
            } finally {
                if (outcome == null) {
                    outcome = SinkReport.State.TIMED_OUT;
                }
                lanes.forEach(Lane::wake); // a lane waiting for this one sees it has ended
                laneEnded();
            }
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
                if (pastDeadline()) {
                    outcome = SinkReport.State.TIMED_OUT;
                    return;
                }
                try {
                    List<JournalEntry> read = journal.readAfter(current.seq(), options.batchSize());
                    List<JournalEntry> batch = ready(read);
                    if (batch.isEmpty()) {
                        if (read.isEmpty() && finishing) {
                            outcome = SinkReport.State.DELIVERED;
                            return;
                        }
                        if (!read.isEmpty() && finishing && checkpoints != null && checkpoints.outcome != null) {
                            // The checkpoint lane ended without every checkpoint: the run is not marked complete.
                            reason = "checkpoint uploads did not finish" + (checkpoints.reason.isEmpty() ? ""
                                    : " (" + checkpoints.reason + ")");
                            outcome = SinkReport.State.TIMED_OUT;
                            return;
                        }
                        idle(options.pollInterval().toMillis());
                        continue;
                    }
                    List<JournalEntry> unsent = mine(current.unsent(batch));
                    if (!unsent.isEmpty()) {
                        ensureOpen();
                        if (part == Part.CHECKPOINTS) {
                            sink.sendCheckpoints(unsent);
                        } else {
                            sink.send(unsent);
                        }
                    }
                    current = current.advance(batch);
                    cursors.write(cursorName, current);
                    cursor = current;
                    if (part == Part.CHECKPOINTS) {
                        stream.wake(); // the run's Finished may have been waiting for this checkpoint
                    }
                    if (!unsent.isEmpty() && part != Part.CHECKPOINTS && batch.size() < options.batchSize()) {
                        holdOff(options.sendInterval().toMillis()); // caught up: let the next batch gather
                    }
                    if (failures > 0) {
                        LOG.info("{}: sending again after {} failed attempt(s); acknowledged up to journal entry {}",
                                label(), failures, current.seq());
                    }
                    failures = 0;
                    reason = "";
                } catch (RemoteSink.SinkException e) {
                    String message = redactor.redact(e.getMessage());
                    if (pastDeadline()) { // cancelled at the deadline or by a stop: no retry, no backoff line
                        reason = message;
                        outcome = SinkReport.State.TIMED_OUT;
                        return;
                    }
                    if (!e.retryable()) {
                        stop(message);
                        LOG.error("{}: stopped sending for run {}: {}. The journal keeps the rest; after fixing this run "
                                + "'coverlab runs sync {} --tracker {}'", label(), runId, message, runId, sink.name());
                        return;
                    }
                    long delay = options.backoff().delayMillis(failures, e.retryAfterMillis(), random);
                    failures++;
                    reason = message;
                    LOG.warn("{}: {} (attempt {}); retrying in {} ms", label(), message, failures, delay);
                    pause(delay);
                } catch (IOException e) {
                    stop("local run files: " + redactor.describe(e));
                    LOG.error("{}: stopped sending for run {}: {}", label(), runId, reason);
                    return;
                }
            }
        }

        /** The entries of {@code entries} this lane sends. */
        private List<JournalEntry> mine(List<JournalEntry> entries) {
            if (part == Part.ALL) {
                return entries;
            }
            return entries.stream().filter(e -> isCheckpoint(e.event()) == (part == Part.CHECKPOINTS)).toList();
        }

        /** The stored cursor, rewound when the journal no longer holds the entry it acknowledged (cut back on resume). */
        private SinkCursor startingCursor() throws IOException {
            SinkCursor stored = cursors.read(cursorName).orElse(SinkCursor.START);
            if (stored.seq() == 0 || stored.fingerprint().isEmpty()) {
                return stored;
            }
            List<JournalEntry> atCursor = journal.readAfter(stored.seq() - 1, 1);
            if (atCursor.isEmpty() || !stored.matches(atCursor.get(0))) {
                LOG.info("{}: the journal was rewritten after entry {} was sent (resumed from a checkpoint); replaying it "
                        + "from the start, skipping metrics up to step {} that are already on the server",
                        label(), stored.seq(), stored.step());
                return stored.rewound();
            }
            return stored;
        }

        /**
         * The part of a read batch that may go now. A checkpoint is announced in the journal before its files are
         * written (a resume from it then keeps the announcement), so while the run goes the batch's last entry may
         * announce a checkpoint whose folder is still being written. Sending it now would find no files and skip the
         * checkpoint for good; it is held back until its folder is in place (moved there atomically when complete) or
         * a later entry shows the save is over. Once the sender finishes, the writer is gone and nothing is held back.
         * The stream lane of a sink with a checkpoint lane holds the run's Finished entry until that lane has every
         * checkpoint before it.
         */
        private List<JournalEntry> ready(List<JournalEntry> batch) {
            if (batch.isEmpty()) {
                return batch;
            }
            if (part == Part.STREAM) {
                for (int i = 0; i < batch.size(); i++) {
                    JournalEntry entry = batch.get(i);
                    if (entry.event() instanceof RunEvent.Finished && checkpoints.cursor.seq() < entry.seq() - 1) {
                        return batch.subList(0, i);
                    }
                }
                return batch;
            }
            if (finishing) {
                return batch;
            }
            RunEvent last = batch.get(batch.size() - 1).event();
            if (isCheckpoint(last) && !Files.exists(runDir.resolve(((RunEvent.Artifact) last).path()))) {
                return batch.subList(0, batch.size() - 1);
            }
            return batch;
        }

        private boolean pastDeadline() {
            return finishing && System.nanoTime() >= deadlineNanos;
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
                } else if (!woken) {
                    waitOn(Math.min(millis, 50)); // finishing, waiting on the other lane: look again soon
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
                // Nothing in coverlab interrupts a lane (the sender cancels requests instead); treat one as a stop.
                deadlineNanos = System.nanoTime();
                finishing = true;
            }
        }
    }

    private static boolean isCheckpoint(RunEvent event) {
        return event instanceof RunEvent.Artifact a && CHECKPOINT_KIND.equals(a.kind());
    }
}
