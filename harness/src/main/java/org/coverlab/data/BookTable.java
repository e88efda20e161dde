package org.coverlab.data;

import java.nio.file.Path;
import java.util.List;

/** The parseable rows of one CSV file, in file order, and the layout it was read as. */
public record BookTable(Path file, CsvLayout layout, List<BookRecord> rows) {
    public BookTable {
        rows = List.copyOf(rows);
    }
}
