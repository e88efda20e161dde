package org.coverlab.run;

import java.util.Map;

/**
 * What a run reports, in the order it happened. The local journal ({@code runs/<id>/events.jsonl}) stores these one per
 * line, each stamped with a sequence number; remote sinks replay them from the journal, so the journal is the truth.
 * Paths are relative to the run directory so a run folder can be moved.
 */
public sealed interface RunEvent {

    /** Wall-clock time of the event, epoch milliseconds. */
    long timeMillis();

    /** Run started or resumed; config is the flattened resolved spec (dotted keys, no secrets). */
    record Started(long timeMillis, String runId, String name, Map<String, Object> config, boolean resumed) implements RunEvent {}

    /** Scalar metrics at one optimizer step (the step axis shared by every sink). */
    record Metrics(long timeMillis, long step, Map<String, Double> values) implements RunEvent {}

    /** An image (a sample grid) at a step; path is a PNG inside the run directory. */
    record Image(long timeMillis, long step, String key, String path, String caption) implements RunEvent {}

    /** A file to keep remotely: kind is checkpoint, report, spec or log; path relative to the run directory. */
    record Artifact(long timeMillis, long step, String kind, String path) implements RunEvent {}

    /** Final or running summary values (e.g. fid, kid, best loss). */
    record Summary(long timeMillis, Map<String, Object> values) implements RunEvent {}

    /**
     * Machine and process figures sampled while the run goes (CPU, memory, disk), named as W&B's SDK names its system
     * metrics ({@code system.cpu}, {@code system.proc.memory.rssMB}, ...); on no step axis. See {@link SystemSampler}.
     */
    record SystemMetrics(long timeMillis, Map<String, Double> values) implements RunEvent {}

    /** The run ended (status finished, failed or killed) with the process exit code. */
    record Finished(long timeMillis, String status, int exitCode) implements RunEvent {}
}
