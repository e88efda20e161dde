package org.coverlab.track;

import org.coverlab.run.Cancellation;
import org.coverlab.run.JournalReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Feeds a run's journal to its remote sinks in the background. Training only appends to the local journal (and may
 * call {@link #wake()}); daemon threads per sink drain it, so neither a slow server nor a failing sink blocks the
 * run or the other sinks. Progress is durable per sink ({@code runs/<id>/sinks/<name>.json}), so whatever is not sent
 * by the end is picked up by {@code coverlab runs sync}.
 */
public final class JournalSender implements AutoCloseable {

    /**
     * How long to wait, after the deadline or a stop, for a lane whose requests were cancelled (it is a daemon: one
     * still in a send that ignores cancellation is left behind rather than interrupted, which could tear a file it
     * writes). A stop takes at most this plus a poll, so it stays within a second or two.
     */
    private static final long ABORT_GRACE_MILLIS = 1_000;
    /** How often {@link #finish(Duration, Cancellation)} looks at the stop flag, and re-cancels requests in flight. */
    private static final long POLL_MILLIS = 50;

    private final String runId;
    private final SenderOptions options;
    private final List<SinkWorker> workers;
    private final List<Thread> threads;
    private SenderReport finalReport;

    private JournalSender(String runId, SenderOptions options, List<SinkWorker> workers, List<Thread> threads) {
        this.runId = runId;
        this.options = options;
        this.workers = workers;
        this.threads = threads;
    }

    /** Starts the daemon threads of each sink (one per lane, see {@link SinkWorker}); returns at once. */
    public static JournalSender start(String runId, String runName, Path runDir, JournalReader journal,
                                      List<RemoteSink> sinks, SenderOptions options) {
        List<SinkWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (RemoteSink sink : sinks) {
            SinkWorker worker = new SinkWorker(runId, runName, runDir, journal, sink, options);
            workers.add(worker);
            for (SinkWorker.Lane lane : worker.lanes()) {
                Thread thread = new Thread(lane, "coverlab-sender-" + runId + "-" + lane.label());
                thread.setDaemon(true);
                threads.add(thread);
            }
        }
        threads.forEach(Thread::start);
        return new JournalSender(runId, options, workers, threads);
    }

    /** New journal entries were appended: send them without waiting for the next poll. Cheap; never blocks. */
    public void wake() {
        workers.forEach(SinkWorker::wake);
    }

    /**
     * Sends what is left for at most the flush timeout, then stops every sink and reports what stayed unsent (which
     * {@code coverlab runs sync} can send later). Idempotent.
     */
    public synchronized SenderReport finish() {
        return finish(options.flushTimeout());
    }

    /** As {@link #finish()} with another flush timeout (a stopped run sends for a moment only). Idempotent. */
    public synchronized SenderReport finish(Duration flushTimeout) {
        return finish(flushTimeout, new Cancellation());
    }

    /**
     * As {@link #finish(Duration)}, ending early when {@code stop} is set ({@code coverlab runs sync} under Ctrl-C or
     * SIGTERM): the lanes stop at their next check and their requests in flight are cancelled, never interrupted.
     * Each sink's cursor stays at its last acknowledged batch, so the next sync sends the rest. Idempotent.
     */
    public synchronized SenderReport finish(Duration flushTimeout, Cancellation stop) {
        if (finalReport != null) {
            return finalReport;
        }
        long deadline = System.nanoTime() + flushTimeout.toNanos();
        workers.forEach(w -> w.finish(deadline));
        while (waitable() && System.nanoTime() < deadline && !stop.isCancelled()) {
            joinAny(Math.min(POLL_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1));
        }
        if (stop.isCancelled()) {
            workers.forEach(w -> w.cancel(stop.reason()));
        }
        // A send stuck past the deadline or the stop: cancel its requests (again, for one that started meanwhile).
        long grace = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ABORT_GRACE_MILLIS);
        while (waitable() && System.nanoTime() < grace) {
            workers.forEach(SinkWorker::abort);
            joinAny(POLL_MILLIS);
        }
        List<SinkReport> reports = new ArrayList<>();
        for (SinkWorker worker : workers) {
            reports.add(worker.report());
        }
        // Not logged here: the caller reports it (the run log, runs sync's output); logged here too, it showed twice.
        finalReport = new SenderReport(runId, reports);
        return finalReport;
    }

    /** Same as {@link #finish()}, for try-with-resources. */
    @Override
    public void close() {
        finish();
    }

    /** A lane still runs and this thread may wait for it (an interrupted caller returns with what there is). */
    private boolean waitable() {
        return !Thread.currentThread().isInterrupted() && threads.stream().anyMatch(Thread::isAlive);
    }

    /** Waits up to {@code millis} for the first live lane thread to end. */
    private void joinAny(long millis) {
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                try {
                    thread.join(Math.max(1, millis));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
        }
    }
}
