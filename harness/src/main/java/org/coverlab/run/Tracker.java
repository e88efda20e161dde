package org.coverlab.run;

/**
 * Where stages report. The always-on implementation appends to the run's local journal (durably, before returning);
 * remote sinks (W&B, MLflow) are fed from that journal by a background sender and never block the caller.
 */
public interface Tracker extends AutoCloseable {

    void log(RunEvent event);

    @Override
    void close();
}
