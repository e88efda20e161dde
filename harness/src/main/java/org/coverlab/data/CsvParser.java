package org.coverlab.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streaming RFC 4180 reader: comma separated, fields optionally in double quotes, {@code ""} escapes a quote inside a
 * quoted field, quoted fields may contain commas and line breaks. Records end at LF, CRLF or CR. Lenient where real
 * files are sloppy, and never throws on content: a quote inside an unquoted field is kept literally, text after a
 * closing quote is appended, and an unterminated quote at end of input closes the field; each such record carries a
 * {@link CsvRecord#problem()} so callers can count or skip it. Blank lines are skipped (as pandas does); a leading
 * UTF-8 byte order mark is dropped.
 */
public final class CsvParser implements Iterator<CsvRecord> {

    private static final int EOF = -1;

    private final Reader in;
    private long line = 1;
    private int pushback = -2;
    private boolean started;
    private CsvRecord next;
    private boolean done;

    public CsvParser(Reader in) {
        this.in = in;
    }

    /** Parses a whole string; convenient for tests and small files. */
    public static List<CsvRecord> parseAll(String text) {
        List<CsvRecord> out = new ArrayList<>();
        CsvParser p = new CsvParser(new java.io.StringReader(text));
        p.forEachRemaining(out::add);
        return out;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = readRecord();
            if (next == null) {
                done = true;
            }
        }
        return next != null;
    }

    @Override
    public CsvRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CsvRecord r = next;
        next = null;
        return r;
    }

    private int read() {
        if (pushback != -2) {
            int c = pushback;
            pushback = -2;
            return c;
        }
        try {
            int c = in.read();
            if (!started) {
                started = true;
                if (c == '\uFEFF') {
                    c = in.read();
                }
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void unread(int c) {
        pushback = c;
    }

    /** Consumes the LF of a CRLF pair after a CR; counts the line break. */
    private void endOfLine(int c) {
        if (c == '\r') {
            int n = read();
            if (n != '\n') {
                unread(n);
            }
        }
        line++;
    }

    private CsvRecord readRecord() {
        while (true) {
            long startLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            String problem = null;
            boolean quoted = false;     // inside an open quoted field
            boolean wasQuoted = false;  // current field started with a quote
            boolean any = false;        // anything read for this record
            while (true) {
                int c = read();
                if (c == EOF) {
                    if (quoted) {
                        problem = note(problem, "unterminated quoted field starting on line " + startLine);
                    }
                    if (!any) {
                        return null;
                    }
                    fields.add(field.toString());
                    return new CsvRecord(startLine, fields, problem);
                }
                any = true;
                if (quoted) {
                    if (c == '"') {
                        int n = read();
                        if (n == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            unread(n);
                        }
                    } else if (c == '\r') {
                        // line breaks inside quotes are content: keep them verbatim
                        field.append('\r');
                        int n = read();
                        if (n == '\n') {
                            field.append('\n');
                        } else {
                            unread(n);
                        }
                        line++;
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                    continue;
                }
                if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    wasQuoted = false;
                } else if (c == '\n' || c == '\r') {
                    endOfLine(c);
                    if (fields.isEmpty() && field.length() == 0 && !wasQuoted) {
                        break; // blank line: skip
                    }
                    fields.add(field.toString());
                    return new CsvRecord(startLine, fields, problem);
                } else if (c == '"') {
                    if (field.length() == 0 && !wasQuoted) {
                        quoted = true;
                        wasQuoted = true;
                    } else {
                        problem = note(problem, "stray quote in field " + (fields.size() + 1) + " on line " + line);
                        field.append('"');
                    }
                } else {
                    if (wasQuoted) {
                        problem = note(problem, "text after closing quote in field " + (fields.size() + 1) + " on line " + line);
                        wasQuoted = false; // report once per field
                    }
                    field.append((char) c);
                }
            }
        }
    }

    private static String note(String existing, String add) {
        return existing == null ? add : existing;
    }
}
