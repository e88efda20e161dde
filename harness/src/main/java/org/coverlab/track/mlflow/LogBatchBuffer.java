package org.coverlab.track.mlflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.coverlab.track.RemoteSink.SinkException;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunTag;

/**
 * Collects metrics, params and tags into runs/log-batch requests that stay within the server's limits: 1000 metrics,
 * 100 params, 100 tags, 1000 entities and 1 MB of JSON per request, and no key twice in one request (the server
 * rejects duplicate param keys, and a repeated tag in one batch would be ambiguous). Adding an item that does not fit
 * sends the pending batch first, so items reach the server in the order they were added.
 */
final class LogBatchBuffer {

    static final int MAX_METRICS = 1000;
    static final int MAX_PARAMS = 100;
    static final int MAX_TAGS = 100;
    static final int MAX_ENTITIES = 1000;
    /** Below the 1 MB request limit, leaving room for the envelope and JSON escaping. */
    static final int MAX_BYTES = 900_000;

    /** Sends one batch; called only with a non-empty batch. */
    @FunctionalInterface
    interface Sender {
        void send(List<Metric> metrics, List<Param> params, List<RunTag> tags) throws SinkException;
    }

    private final Sender sender;
    private final List<Metric> metrics = new ArrayList<>();
    private final List<Param> params = new ArrayList<>();
    private final List<RunTag> tags = new ArrayList<>();
    private final Set<String> paramKeys = new HashSet<>();
    private final Set<String> tagKeys = new HashSet<>();
    private int bytes;
    private int batchesSent;

    LogBatchBuffer(Sender sender) {
        this.sender = sender;
    }

    void add(Metric m) throws SinkException {
        int size = 80 + utf8(m.getKey());
        makeRoom(metrics.size() >= MAX_METRICS, size);
        metrics.add(m);
        bytes += size;
    }

    void add(Param p) throws SinkException {
        int size = 30 + utf8(p.getKey()) + utf8(p.getValue());
        makeRoom(params.size() >= MAX_PARAMS || paramKeys.contains(p.getKey()), size);
        params.add(p);
        paramKeys.add(p.getKey());
        bytes += size;
    }

    void add(RunTag t) throws SinkException {
        int size = 30 + utf8(t.getKey()) + utf8(t.getValue());
        makeRoom(tags.size() >= MAX_TAGS || tagKeys.contains(t.getKey()), size);
        tags.add(t);
        tagKeys.add(t.getKey());
        bytes += size;
    }

    /** Sends whatever is pending. */
    void flush() throws SinkException {
        if (metrics.isEmpty() && params.isEmpty() && tags.isEmpty()) {
            return;
        }
        sender.send(List.copyOf(metrics), List.copyOf(params), List.copyOf(tags));
        batchesSent++;
        clear();
    }

    /** Drops what is pending (after a failed send the sink re-reads the server and the sender replays). */
    void clear() {
        metrics.clear();
        params.clear();
        tags.clear();
        paramKeys.clear();
        tagKeys.clear();
        bytes = 0;
    }

    int batchesSent() {
        return batchesSent;
    }

    private void makeRoom(boolean full, int size) throws SinkException {
        int entities = metrics.size() + params.size() + tags.size();
        if (full || entities >= MAX_ENTITIES || bytes + size > MAX_BYTES) {
            flush();
        }
    }

    /**
     * An upper bound on the bytes {@code s} takes in the request JSON: ASCII is one byte, and anything the encoder may
     * escape (quotes, control characters, and non-ASCII as a six-character escape per UTF-16 unit) counts six.
     */
    static int utf8(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) ? 6 : 1;
        }
        return n;
    }
}
