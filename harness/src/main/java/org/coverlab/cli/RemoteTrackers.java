package org.coverlab.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.coverlab.run.RemoteTracking;
import org.coverlab.run.RunSettings;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.track.RemoteSinks;
import org.coverlab.track.SenderOptions;
import org.coverlab.track.SenderTracking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote tracking this build can do: which backends (W&B, MLflow) it can feed, and the one hook that feeds all
 * of a spec's remote backends from the journal while a run is driven. The local journal is always on and needs no
 * entry. A spec or {@code --tracker} naming a backend outside {@code backends} is refused before the run is created
 * (exit 4).
 */
public record RemoteTrackers(Set<TrackingSpec.Backend> backends, RemoteTracking tracking,
                             Function<TrackingSpec, List<String>> setupProblems) {

    public static final RemoteTrackers NONE = new RemoteTrackers(Set.of(), null);

    /**
     * Least seconds between two sends while a run goes (decimals allowed; 0 sends as soon as entries arrive). The
     * default, 15 s, is the W&B SDK's file-stream interval; a shorter one shows metrics sooner at the cost of more
     * requests. The final flush and {@code runs sync} never wait.
     */
    public static final String SEND_INTERVAL_ENV = RunSettings.SEND_INTERVAL_ENV;

    private static final Logger LOG = LoggerFactory.getLogger(RemoteTrackers.class);

    public RemoteTrackers {
        backends = Set.copyOf(backends);
        if (!backends.isEmpty() && tracking == null) {
            throw new IllegalArgumentException("remote backends " + backends + " need a tracking hook");
        }
    }

    /** Backends whose set-up never fails (tests' own hooks). */
    public RemoteTrackers(Set<TrackingSpec.Backend> backends, RemoteTracking tracking) {
        this(backends, tracking, tracking_ -> List.of());
    }

    /**
     * What this build ships: W&B and MLflow, fed by the background journal sender. Keys and settings come from the
     * process environment (WANDB_*, MLFLOW_*; ~/.netrc for the W&B key); the flush timeout from each spec.
     */
    static RemoteTrackers available() {
        return of(System.getenv());
    }

    /** W&B and MLflow with keys and settings from {@code env} (tests pass their own). */
    public static RemoteTrackers of(Map<String, String> env) {
        RemoteSinks sinks = RemoteSinks.standard(env, RunsSyncCommand.home(env));
        return new RemoteTrackers(sinks.backends(), new SenderTracking(sinks, senderOptions(env)), sinks::setupProblems);
    }

    /** The sender's options, with {@value #SEND_INTERVAL_ENV} applied; a bad value is reported and the default kept. */
    static SenderOptions senderOptions(Map<String, String> env) {
        String text = env.get(SEND_INTERVAL_ENV);
        if (text == null || text.isBlank()) {
            return SenderOptions.DEFAULT;
        }
        Optional<Duration> interval = RunSettings.sendInterval(text);
        if (interval.isPresent()) {
            return SenderOptions.DEFAULT.withSendInterval(interval.get());
        }
        LOG.warn("{} must be a number of seconds from 0 to 3600, got '{}'; sending every {} s", SEND_INTERVAL_ENV,
                text, SenderOptions.DEFAULT.sendInterval().toSeconds());
        return SenderOptions.DEFAULT;
    }
}
