package org.coverlab.run;

import java.io.IOException;
import java.util.List;

/**
 * Read access to a run's journal for the background sender. The journal may grow while it is read; an implementation
 * returns only complete entries, in sequence order.
 */
public interface JournalReader {

    /** Up to {@code max} entries with {@code seq > afterSeq}, in order; empty when there are none yet. */
    List<JournalEntry> readAfter(long afterSeq, int max) throws IOException;

    /** The highest sequence number in the journal, 0 when it is empty. */
    long lastSeq() throws IOException;
}
