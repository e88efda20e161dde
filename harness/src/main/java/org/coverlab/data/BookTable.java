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

    /** The first {@code n} rows (all when fewer), for a set whose rows are its items in index order. */
    public BookTable first(int n) {
        return n >= rows.size() ? this : new BookTable(file, layout, rows.subList(0, n), 0);
    }

    /** Data rows in the file (header excluded): parsed plus malformed. */
    public int rowsRead() {
        return rows.size() + malformedRows;
    }
}
