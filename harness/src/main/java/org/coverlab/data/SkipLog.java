package org.coverlab.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts dropped and converted examples by reason and keeps the first few messages of each reason, so a bad row or
 * image is visible without flooding the log and never stops an epoch. Keeping a few per reason, not the first N
 * overall, matters on real data: thousands of language-filter drops would otherwise hide every broken image. Each
 * (reason, subject) is counted once, so an image that fails in every epoch is counted once. It prints nothing itself:
 * the caller shows {@link #firstMessages()} once (the prepare_data stage in the run log, {@code bench data} on the
 * console). Thread-safe: decoder threads report here.
 */
public final class SkipLog {

    /** Messages kept per reason unless told otherwise. */
    public static final int DEFAULT_PER_REASON = 3;

    private final int keepPerReason;
    private final Map<SkipReason, Integer> counts = new EnumMap<>(SkipReason.class);
    private final Map<SkipReason, List<String>> firstMessages = new EnumMap<>(SkipReason.class);
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public SkipLog(int keepPerReason) {
        this.keepPerReason = keepPerReason;
    }

    public SkipLog() {
        this(DEFAULT_PER_REASON);
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
        synchronized (this) {
            counts.merge(reason, 1, Integer::sum);
            List<String> kept = firstMessages.computeIfAbsent(reason, r -> new ArrayList<>());
            if (kept.size() < keepPerReason) {
                kept.add(message);
            }
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

    /** Counts per reason in {@link SkipReason} order (a stable order: data/dataset.json is written from it). */
    public synchronized Map<SkipReason, Integer> counts() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /** The first few messages of each reason, reasons in {@link SkipReason} order, each in arrival order. */
    public synchronized List<String> firstMessages() {
        List<String> out = new ArrayList<>();
        firstMessages.values().forEach(out::addAll);
        return List.copyOf(out);
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
