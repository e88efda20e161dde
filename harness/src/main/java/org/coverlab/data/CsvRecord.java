package org.coverlab.data;

import java.util.List;

/**
 * One CSV record: the 1-based line it starts on (records may span lines inside quotes), its fields, and a problem
 * description when the parser had to guess (stray quote, unterminated quoted field); {@code null} when well-formed.
 */
public record CsvRecord(long line, List<String> fields, String problem) {

    public CsvRecord {
        fields = List.copyOf(fields);
    }

    public boolean wellFormed() {
        return problem == null;
    }

    public int size() {
        return fields.size();
    }

    public String get(int i) {
        return fields.get(i);
    }
}
