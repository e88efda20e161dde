package org.coverlab.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The parseable rows of one CSV file, in file order, the layout it was read as, and how many data rows could not be
 * parsed (reported to the skip log as malformed), so that rows read = parsed + malformed.
 */
public record BookTable(Path file, CsvLayout layout, List<BookRecord> rows, int malformedRows) {
    public BookTable {
        rows = List.copyOf(rows);
    }

    /** Data rows in the file (header excluded): parsed plus malformed. */
    public int rowsRead() {
        return rows.size() + malformedRows;
    }
}
