package org.coverlab.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts dropped and converted examples by reason and keeps the first few messages, so a bad row or image is visible in
 * the run log without flooding it and never stops an epoch. Each (reason, subject) is counted once, so an image that
 * fails in every epoch is counted once. Thread-safe: decoder threads report here.
 */
public final class SkipLog {

    private static final Logger LOG = LoggerFactory.getLogger(SkipLog.class);

    private final int keepMessages;
    private final Map<SkipReason, Integer> counts = new EnumMap<>(SkipReason.class);
    private final List<String> firstMessages = new ArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public SkipLog(int keepMessages) {
        this.keepMessages = keepMessages;
    }

    public SkipLog() {
        this(10);
    }

    /**
     * Records one event. {@code subject} identifies the row or image (e.g. "book_data.csv:17" or "images/3.jpg");
     * repeated reports of the same reason for the same subject are ignored.
     */
    public void report(SkipReason reason, String subject, String detail) {
        if (!seen.add(reason.name() + '\u0000' + subject)) {
            return;
        }
        String message = subject + ": " + reason.label() + (detail == null || detail.isBlank() ? "" : " (" + detail + ")");
        boolean logIt;
        synchronized (this) {
            counts.merge(reason, 1, Integer::sum);
            logIt = firstMessages.size() < keepMessages;
            if (logIt) {
                firstMessages.add(message);
            }
        }
        if (logIt) {
            LOG.warn("{} {}", reason.dropped() ? "skipped" : "converted", message);
        }
    }

    public synchronized int count(SkipReason reason) {
        return counts.getOrDefault(reason, 0);
    }

    public synchronized int dropped() {
        return counts.entrySet().stream().filter(e -> e.getKey().dropped()).mapToInt(Map.Entry::getValue).sum();
    }

    public synchronized int converted() {
        return counts.entrySet().stream().filter(e -> !e.getKey().dropped()).mapToInt(Map.Entry::getValue).sum();
    }

    public synchronized Map<SkipReason, Integer> counts() {
        return Map.copyOf(counts);
    }

    public synchronized List<String> firstMessages() {
        return List.copyOf(firstMessages);
    }

    /** One line for the run log, e.g. "dropped 3 (image missing 2, image truncated 1); converted 1 (...)". */
    public synchronized String summary() {
        StringBuilder dropped = new StringBuilder();
        StringBuilder converted = new StringBuilder();
        counts.forEach((reason, n) -> {
            StringBuilder b = reason.dropped() ? dropped : converted;
            b.append(b.length() == 0 ? "" : ", ").append(reason.label()).append(' ').append(n);
        });
        return "dropped " + dropped() + (dropped.length() > 0 ? " (" + dropped + ")" : "")
                + "; converted " + converted() + (converted.length() > 0 ? " (" + converted + ")" : "");
    }
}
