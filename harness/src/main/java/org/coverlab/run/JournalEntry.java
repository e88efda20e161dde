package org.coverlab.run;

/** One line of a run's journal: a gap-free sequence number (from 1) and the event. */
public record JournalEntry(long seq, RunEvent event) {}
