package org.coverlab.track;

import org.coverlab.run.JournalEntry;
import org.coverlab.run.JournalReader;
import org.coverlab.run.RunEvent;
import java.util.ArrayList;
import java.util.List;

/** A journal in memory with the run store's semantics: gap-free seqs from 1, and truncation on resume. */
final class MemoryJournal implements JournalReader {

    private final List<RunEvent> events = new ArrayList<>();

    synchronized long append(RunEvent event) {
        events.add(event);
        return events.size();
    }

    synchronized void truncateAfter(long seq) {
        events.subList((int) seq, events.size()).clear();
    }

    @Override
    public synchronized List<JournalEntry> readAfter(long afterSeq, int max) {
        List<JournalEntry> out = new ArrayList<>();
        for (long seq = afterSeq + 1; seq <= events.size() && out.size() < max; seq++) {
            out.add(new JournalEntry(seq, events.get((int) seq - 1)));
        }
        return out;
    }

    @Override
    public synchronized long lastSeq() {
        return events.size();
    }
}
