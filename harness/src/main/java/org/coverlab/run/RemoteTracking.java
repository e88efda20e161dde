package org.coverlab.run;

import java.io.IOException;
import org.coverlab.spec.ExperimentSpec;

/**
 * Hook that feeds remote trackers (W&B, MLflow) from the run's journal while the run is driven: started after the
 * journal is ready, closed after the final event (closing flushes for at most {@code tracking.flush_timeout_seconds}
 * and leaves the rest to {@code coverlab runs sync}). The journal stays the single source of truth.
 */
@FunctionalInterface
public interface RemoteTracking {

    Handle start(RunDir dir, RunInfo info, ExperimentSpec spec, RunLog log) throws IOException;

    /** When an old checkpoint may be deleted: by default at once; trackers that upload checkpoints defer it. */
    default Checkpoints.Retention retention(RunDir dir, ExperimentSpec spec) {
        return Checkpoints.Retention.ANY;
    }

    /** A running feed; close stops it. */
    interface Handle extends AutoCloseable {
        Handle NONE = () -> {};

        /** Flushes for at most {@code tracking.flush_timeout_seconds}, then stops. */
        @Override
        void close();

        /** Stops within about a second (the run was asked to stop); what is unsent stays for 'runs sync'. */
        default void closeQuickly() {
            close();
        }
    }
}
