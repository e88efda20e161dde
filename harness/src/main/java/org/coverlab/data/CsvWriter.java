package org.coverlab.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes RFC 4180 CSV that {@link CsvParser} (and pandas) read back unchanged: a field is quoted when it contains a
 * comma, quote, line break or leading/trailing space, quotes are doubled, records end with LF. A record that is a
 * single empty field is written as {@code ""} so it is not mistaken for a blank line.
 */
public final class CsvWriter {

    private final Writer out;

    public CsvWriter(Writer out) {
        this.out = out;
    }

    public void write(List<String> fields) {
        try {
            if (fields.size() == 1 && fields.get(0).isEmpty()) {
                out.write("\"\"\n");
                return;
            }
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(quote(fields.get(i)));
            }
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quote(String field) {
        boolean needs = !field.isEmpty()
                && (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0 || Character.isWhitespace(field.charAt(0))
                || Character.isWhitespace(field.charAt(field.length() - 1)));
        if (!needs) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
