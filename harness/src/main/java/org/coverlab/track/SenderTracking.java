package org.coverlab.track;

import org.coverlab.run.JournalFileReader;
import java.time.Duration;
import java.util.List;
import org.coverlab.run.Checkpoints;
import org.coverlab.run.RemoteTracking;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunLog;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.TrackingSpec.Backend;

/**
 * The runner's remote-tracking hook: starts a {@link JournalSender} for the spec's remote backends over the run's
 * journal, and on close flushes for {@code tracking.flush_timeout_seconds} and writes what is left to the run log.
 * A sink that cannot be set up (say, no W&B key) is reported in the run log and left out; the run goes on, and
 * {@code coverlab runs sync} can send its journal later.
 */
public final class SenderTracking implements RemoteTracking {

    /** How long a stopped run keeps sending before it leaves the rest to 'runs sync'. */
    static final Duration STOP_FLUSH = Duration.ofMillis(500);

    private final RemoteSinks sinks;
    private final SenderOptions options;

    public SenderTracking(RemoteSinks sinks, SenderOptions options) {
        this.sinks = sinks;
        this.options = options;
    }

    /** Every remote backend of the spec, also one left out of this attempt (its sync will need the checkpoints). */
    @Override
    public Checkpoints.Retention retention(RunDir dir, ExperimentSpec spec) {
        List<Backend> backends = RemoteSinks.remoteBackends(spec.tracking());
        return backends.isEmpty() ? Checkpoints.Retention.ANY
                : new SinkRetention(dir.path(), backends.stream().map(Backend::key).toList());
    }

    @Override
    public Handle start(RunDir dir, RunInfo info, ExperimentSpec spec, RunLog log) {
        List<Backend> backends = RemoteSinks.remoteBackends(spec.tracking());
        if (backends.isEmpty()) {
            return Handle.NONE;
        }
        RemoteSinks.Selection selection;
        try {
            selection = sinks.create(spec.tracking(), backends, true);
        } catch (RemoteSinks.SinkSetupException e) {
            log.warn("remote tracking is off for this attempt: {}; the journal keeps every event, send it later with "
                    + "'coverlab runs sync {}'", Redactor.none().redact(e.getMessage()), dir.id());
            return Handle.NONE;
        }
        selection.skipped().forEach(reason -> log.info("not sending to {}", reason));
        if (selection.sinks().isEmpty()) {
            return Handle.NONE;
        }
        SenderOptions runOptions = options.withFlushTimeout(Duration.ofSeconds(spec.tracking().flushTimeoutSeconds()));
        JournalSender sender = JournalSender.start(dir.id(), info.name(), dir.path(), new JournalFileReader(dir.journal()),
                selection.sinks(), runOptions);
        log.info("sending the journal to {} in the background", selection.sinks().stream().map(RemoteSink::name).toList());
        return new Handle() {
            @Override
            public void close() {
                report(sender.finish(), dir, log);
            }

            @Override
            public void closeQuickly() {
                report(sender.finish(STOP_FLUSH), dir, log);
            }
        };
    }

    private static void report(SenderReport report, RunDir dir, RunLog log) {
        for (SinkReport sink : report.sinks()) {
            if (sink.state() == SinkReport.State.DELIVERED && sink.pending() == 0) {
                log.info("{}", sink.describe(dir.id()));
            } else {
                log.warn("{}", sink.describe(dir.id()));
            }
        }
    }
}
