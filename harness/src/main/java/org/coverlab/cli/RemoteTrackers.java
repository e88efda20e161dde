package org.coverlab.cli;

import java.util.Map;
import java.util.Set;
import org.coverlab.run.RemoteTracking;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.track.RemoteSinks;
import org.coverlab.track.SenderOptions;
import org.coverlab.track.SenderTracking;

/**
 * The remote tracking this build can do: which backends (W&B, MLflow) it can feed, and the one hook that feeds all
 * of a spec's remote backends from the journal while a run is driven. The local journal is always on and needs no
 * entry. A spec or {@code --tracker} naming a backend outside {@code backends} is refused before the run is created
 * (exit 4).
 */
public record RemoteTrackers(Set<TrackingSpec.Backend> backends, RemoteTracking tracking) {

    public static final RemoteTrackers NONE = new RemoteTrackers(Set.of(), null);

    public RemoteTrackers {
        backends = Set.copyOf(backends);
        if (!backends.isEmpty() && tracking == null) {
            throw new IllegalArgumentException("remote backends " + backends + " need a tracking hook");
        }
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
        return new RemoteTrackers(Set.of(TrackingSpec.Backend.WANDB, TrackingSpec.Backend.MLFLOW),
                new SenderTracking(sinks, SenderOptions.DEFAULT));
    }
}
