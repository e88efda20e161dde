package org.coverlab.track;

import org.coverlab.run.JournalReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a run's journal to its remote sinks in the background. Training only appends to the local journal (and may
 * call {@link #wake()}); daemon threads per sink drain it, so neither a slow server nor a failing sink blocks the
 * run or the other sinks. Progress is durable per sink ({@code runs/<id>/sinks/<name>.json}), so whatever is not sent
 * by the end is picked up by {@code coverlab runs sync}.
 */
public final class JournalSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSender.class);
    /** How long to wait for a worker that was interrupted at the deadline (it is a daemon, so never forever). */
    private static final long INTERRUPT_GRACE_MILLIS = 2_000;

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
        if (finalReport != null) {
            return finalReport;
        }
        long deadline = System.nanoTime() + flushTimeout.toNanos();
        workers.forEach(w -> w.finish(deadline));
        for (Thread thread : threads) {
            joinUntil(thread, deadline);
        }
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                thread.interrupt(); // a send stuck past the deadline; OkHttp calls and backoff sleeps end on interrupt
                joinUntil(thread, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERRUPT_GRACE_MILLIS));
            }
        }
        List<SinkReport> reports = new ArrayList<>();
        for (SinkWorker worker : workers) {
            reports.add(worker.report());
        }
        finalReport = new SenderReport(runId, reports);
        for (SinkReport report : reports) {
            if (report.state() == SinkReport.State.DELIVERED && report.pending() == 0) {
                LOG.info(report.describe(runId));
            } else {
                LOG.warn(report.describe(runId));
            }
        }
        return finalReport;
    }

    /** Same as {@link #finish()}, for try-with-resources. */
    @Override
    public void close() {
        finish();
    }

    private static void joinUntil(Thread thread, long deadlineNanos) {
        try {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left > 0) {
                thread.join(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
