package org.coverlab.cli;

import java.util.Map;
import org.coverlab.run.RemoteTracking;
import org.coverlab.spec.TrackingSpec;

/**
 * The remote tracking backends this build can feed (the local journal is always on and needs no entry). A spec or
 * {@code --tracker} naming a backend missing here is refused before the run is created (exit 4).
 */
final class RemoteTrackers {

    private RemoteTrackers() {}

    static Map<TrackingSpec.Backend, RemoteTracking> available() {
        // Register a backend with one entry, e.g. Map.of(TrackingSpec.Backend.WANDB, new WandbTracking())
        return Map.of();
    }
}
