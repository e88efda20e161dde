package org.coverlab.track;

import org.coverlab.run.JournalFileReader;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.coverlab.run.Cancellation;
import org.coverlab.run.Checkpoints;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunStore;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecException;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.TrackingSpec.Backend;

/**
 * {@code coverlab runs sync}: sends what a run's journal holds beyond each sink's cursor (after an outage, a flush
 * timeout, a non-retryable error that has since been fixed, or a run made with WANDB_MODE=offline). It holds the
 * run's lock while it sends, so it never races the process driving the run. Replays are idempotent: each sink
 * continues after its durable cursor, metrics at steps it already has are skipped, and the sinks resume their remote
 * runs from the server's own state.
 */
public final class RunsSync {

    /** The run or its spec cannot be synced as asked; the message is for the user. */
    public static final class SyncException extends Exception {
        public SyncException(String message) {
            super(message);
        }
    }

    private final RunStore store;
    private final RemoteSinks sinks;
    private final SenderOptions options;

    public RunsSync(RunStore store, RemoteSinks sinks, SenderOptions options) {
        this.store = store;
        this.sinks = sinks;
        this.options = options;
    }

    /**
     * @param trackers the backends to send to; empty means the ones in the run's spec
     * @param timeout  how long to keep trying before giving up (what is left stays for the next sync)
     */
    public SenderReport sync(String runId, List<Backend> trackers, Duration timeout) throws SyncException, IOException {
        return sync(runId, trackers, timeout, new Cancellation());
    }

    /**
     * As {@link #sync(String, List, Duration)}, ending within a second or two once {@code stop} is set (Ctrl-C,
     * SIGTERM): requests in flight are cancelled, every batch acknowledged so far stays acknowledged in its durable
     * cursor, and the report says what is left (state {@link SinkReport.State#CANCELLED}) for the next sync.
     */
    public SenderReport sync(String runId, List<Backend> trackers, Duration timeout, Cancellation stop)
            throws SyncException, IOException {
        RunDir dir = store.find(runId);
        ExperimentSpec spec;
        try {
            spec = SpecLoader.load(dir.spec(), List.of(), SpecLoader.Options.defaults().withoutFileChecks());
        } catch (SpecException e) {
            throw new SyncException(dir.spec() + " no longer loads:\n" + e.getMessage());
        }
        RunInfo info = dir.readInfo();
        List<Backend> backends = trackers.isEmpty() ? RemoteSinks.remoteBackends(spec.tracking())
                : trackers.stream().filter(Backend::isRemote).distinct().toList();
        if (backends.isEmpty()) {
            throw new SyncException("run " + runId + " logs only locally (tracking.backends in " + dir.spec()
                    + "); name a tracker to send it to with --tracker wandb or --tracker mlflow");
        }
        RemoteSinks.Selection selection;
        try {
            selection = sinks.create(spec.tracking(), backends, false);
        } catch (RemoteSinks.SinkSetupException e) {
            throw new SyncException(Redactor.none().redact(e.getMessage()));
        }
        if (selection.sinks().isEmpty()) {
            throw new SyncException("nothing to send to: " + String.join("; ", selection.skipped()));
        }
        try (RunLock lock = RunLock.acquire(runId, dir.lockFile())) {
            JournalSender sender = JournalSender.start(runId, info.name(), dir.path(), new JournalFileReader(dir.journal()),
                    selection.sinks(), options.withFlushTimeout(timeout));
            SenderReport report = sender.finish(timeout, stop);
            if (stop.isCancelled()) {
                return report; // stop now; pruning what the trackers have is left to the next sync
            }
            // Checkpoints kept for the trackers can go now that they have them.
            new Checkpoints(dir.checkpoints(), java.time.Clock.systemUTC(), new SinkRetention(dir.path(),
                    RemoteSinks.remoteBackends(spec.tracking()).stream().map(Backend::key).toList()))
                    .pruneReleased(spec.train().keepLast());
            return report;
        }
    }
}
