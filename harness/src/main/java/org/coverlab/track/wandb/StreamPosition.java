package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a W&B run's files stand on the server and what this sink has added since the last file-stream request:
 * the next line of {@code wandb-history.jsonl} and of {@code wandb-events.jsonl} (system metrics), the last history row (kept so that values arriving later for the same
 * step, such as a sample grid after the metrics, are merged into that row and the row is re-sent at its own offset
 * instead of logging the step twice), the whole summary, the next line of {@code output.log}, and the runtime clock.
 *
 * <p>W&B keeps {@code _step} strictly increasing; values for a step below the last row's are dropped, as the SDK
 * drops them. The sink works on a {@link #copy()} and keeps it only when every request of a batch succeeded, so a
 * retried batch is re-sent at the same offsets (the server overwrites lines at an offset, so that is idempotent).
 */
final class StreamPosition {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    long historyOffset;
    long eventsOffset;
    long outputOffset;
    /** Bytes of the local run.log already sent (or, after a resume, already on the server). */
    long consoleBytes;
    ObjectNode summary = NODES.objectNode();
    boolean summaryDirty;

    private ObjectNode lastRow;
    private long lastRowOffset = -1;
    private long lastStep = -1;
    private final List<ObjectNode> pending = new ArrayList<>();
    private long pendingOffset = -1;
    /** System-metrics lines for wandb-events.jsonl, from {@link #eventsOffset} on. */
    private final List<ObjectNode> pendingEvents = new ArrayList<>();
    /** Time of the last system sample on the server: a replayed journal does not add it again. */
    private long lastEventMillis = Long.MIN_VALUE;

    private double lastRuntime;
    private double anchorRuntime;
    private long anchorMillis = -1;

    StreamPosition() {}

    /** A deep copy to work on; only taken between batches, when nothing is pending. */
    StreamPosition copy() {
        if (!pending.isEmpty() || !pendingEvents.isEmpty()) {
            throw new IllegalStateException("copy of a position with unsent rows");
        }
        StreamPosition c = new StreamPosition();
        c.historyOffset = historyOffset;
        c.eventsOffset = eventsOffset;
        c.outputOffset = outputOffset;
        c.consoleBytes = consoleBytes;
        c.summary = summary.deepCopy();
        c.summaryDirty = summaryDirty;
        c.lastRow = lastRow == null ? null : lastRow.deepCopy();
        c.lastRowOffset = lastRowOffset;
        c.lastStep = lastStep;
        c.lastEventMillis = lastEventMillis;
        c.lastRuntime = lastRuntime;
        c.anchorRuntime = anchorRuntime;
        c.anchorMillis = anchorMillis;
        return c;
    }

    /** Restores the state a resumed run left on the server (RunResumeStatus). */
    void resumeFrom(long historyLines, long eventsLines, long logLines, ObjectNode serverSummary, ObjectNode lastHistoryRow,
                    ObjectNode lastEventsLine) {
        historyOffset = historyLines;
        eventsOffset = eventsLines;
        if (lastEventsLine != null && lastEventsLine.path("_timestamp").isNumber()) {
            lastEventMillis = Math.round(lastEventsLine.path("_timestamp").asDouble() * 1000);
        }
        outputOffset = logLines;
        summary = serverSummary.deepCopy();
        if (lastHistoryRow != null && lastHistoryRow.path("_step").canConvertToLong()) {
            lastRow = lastHistoryRow.deepCopy();
            lastRowOffset = historyLines - 1;
            lastStep = lastHistoryRow.path("_step").asLong();
        } else if (serverSummary.path("_step").canConvertToLong()) {
            lastStep = serverSummary.path("_step").asLong(); // no row to merge into: that step is closed
        }
        JsonNode source = lastRow != null ? lastRow : serverSummary;
        lastRuntime = Math.max(source.path("_runtime").asDouble(0), serverSummary.path("_runtime").asDouble(0));
        if (source.path("_timestamp").isNumber()) {
            // Same clock as the entries still to send, so their runtime continues exactly.
            anchorRuntime = source.path("_runtime").asDouble(lastRuntime);
            anchorMillis = Math.round(source.path("_timestamp").asDouble() * 1000);
        }
    }

    /** The step the next row must exceed (or merge into), -1 when nothing was logged. */
    long lastStep() {
        return lastStep;
    }

    /** A new process segment (run started or resumed) begins at {@code millis}: runtime continues from where it was. */
    void startSegment(long millis) {
        anchorRuntime = lastRuntime;
        anchorMillis = millis;
    }

    double runtimeAt(long millis) {
        if (anchorMillis < 0) {
            startSegment(millis);
        }
        double runtime = Math.max(lastRuntime, anchorRuntime + (millis - anchorMillis) / 1000.0);
        lastRuntime = runtime;
        return runtime;
    }

    /**
     * Adds values at a step: a new row for a new step; for the last row's step, the keys it does not have yet are
     * merged in (a replay of keys it has is ignored, so the first value logged for a step wins, as on W&B). Returns
     * false (nothing added) when the step is below the last logged step or nothing was new.
     */
    boolean put(long step, long timeMillis, Map<String, JsonNode> values) {
        if (step < lastStep || (step == lastStep && lastRow == null)) {
            return false;
        }
        ObjectNode row;
        if (step == lastStep) {
            row = lastRow;
            Map<String, JsonNode> fresh = new java.util.LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (!row.has(k)) {
                    fresh.put(k, v);
                }
            });
            if (fresh.isEmpty()) {
                return false; // a replay of values the row already has
            }
            values = fresh;
            if (pending.isEmpty()) {
                pending.add(row);
                pendingOffset = lastRowOffset;
            }
        } else {
            row = NODES.objectNode();
            if (pending.isEmpty()) {
                pendingOffset = historyOffset;
            }
            pending.add(row);
            lastRow = row;
            lastRowOffset = historyOffset++;
            lastStep = step;
        }
        values.forEach(row::set);
        // Special keys last, as the SDK writes them; a merged row keeps the time of its first values.
        double runtime = row.has("_runtime") ? row.get("_runtime").asDouble() : runtimeAt(timeMillis);
        double timestamp = row.has("_timestamp") ? row.get("_timestamp").asDouble() : timeMillis / 1000.0;
        row.remove(List.of("_step", "_runtime", "_timestamp"));
        row.put("_step", step);
        row.put("_runtime", runtime);
        row.put("_timestamp", timestamp);
        values.forEach(summary::set);
        summary.put("_step", step);
        summary.put("_runtime", Math.max(runtime, summary.path("_runtime").asDouble(0)));
        summary.put("_timestamp", timestamp);
        summary.withObjectProperty("_wandb").put("runtime", (long) Math.floor(summary.path("_runtime").asDouble()));
        summaryDirty = true;
        return true;
    }

    /**
     * Adds a system-metrics line to {@code wandb-events.jsonl} as the SDK writes it: the {@code system.*} values, then
     * {@code _wandb: true}, {@code _timestamp} and {@code _runtime}. False (nothing added) for a sample at or before the
     * last one on the server, which a journal replayed after a resume holds again.
     */
    boolean putEvent(long timeMillis, Map<String, Double> values) {
        if (timeMillis <= lastEventMillis) {
            return false;
        }
        ObjectNode line = NODES.objectNode();
        values.forEach(line::put);
        line.put("_wandb", true);
        line.put("_timestamp", timeMillis / 1000.0);
        line.put("_runtime", runtimeAt(timeMillis));
        pendingEvents.add(line);
        lastEventMillis = timeMillis;
        return true;
    }

    /** System-metrics lines to send, starting at {@link #eventsOffset}. */
    List<ObjectNode> pendingEvents() {
        return List.copyOf(pendingEvents);
    }

    void putSummary(Map<String, JsonNode> values) {
        values.forEach(summary::set);
        summaryDirty = true;
    }

    /** History lines to send, starting at {@link #pendingOffset()}. */
    List<ObjectNode> pendingRows() {
        return List.copyOf(pending);
    }

    long pendingOffset() {
        return pendingOffset;
    }

    /** Everything pending reached the server. */
    void sent() {
        pending.clear();
        pendingOffset = -1;
        eventsOffset += pendingEvents.size();
        pendingEvents.clear();
        summaryDirty = false;
    }
}
