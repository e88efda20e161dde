package org.coverlab.track;

import java.util.List;
import java.util.stream.Collectors;

/** What the sender left unsent per sink, from {@link JournalSender#finish} or {@link RunsSync}. */
public record SenderReport(String runId, List<SinkReport> sinks) {

    public SenderReport {
        sinks = List.copyOf(sinks);
    }

    public boolean allDelivered() {
        return sinks.stream().allMatch(s -> s.state() == SinkReport.State.DELIVERED && s.pending() == 0);
    }

    public String describe() {
        return sinks.stream().map(s -> s.describe(runId)).collect(Collectors.joining(System.lineSeparator()));
    }
}
