package org.coverlab.cli;

import java.util.Set;
import org.coverlab.run.RemoteTracking;
import org.coverlab.spec.TrackingSpec;

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

    /** What this build ships. Wire a sender here, e.g. new RemoteTrackers(Set.of(WANDB, MLFLOW), new SenderTracking(...)). */
    static RemoteTrackers available() {
        return NONE;
    }
}
