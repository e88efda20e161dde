package org.coverlab.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a run's {@code events.jsonl} while the run appends to it. It remembers where the last line it returned ended
 * so a poll reads only what is new; when the file was cut back (a resume truncates the journal to a checkpoint and
 * appends again) the remembered line no longer matches and it reads from the start. An unterminated last line is a
 * write in progress and is left for the next poll.
 */
public final class JournalFileReader implements JournalReader {

    private final Path file;
    /** The last complete line read: its seq, where it starts, and its bytes (to notice a rewritten file). */
    private long knownSeq;
    private long knownStart = -1;
    private byte[] knownLine = new byte[0];

    public JournalFileReader(Path file) {
        this.file = file;
    }

    @Override
    public synchronized List<JournalEntry> readAfter(long afterSeq, int max) throws IOException {
        List<JournalEntry> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long position = startFor(in, afterSeq);
            if (position < 0) {
                position = 0;
                knownSeq = 0;
                knownStart = -1;
            }
            in.seek(position);
            InputStream stream = new BufferedInputStream(Channels.newInputStream(in.getChannel()), 1 << 16);
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            long lineStart = position;
            long offset = position;
            int b;
            while (out.size() < max && (b = stream.read()) != -1) {
                offset++;
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                byte[] bytes = line.toByteArray();
                line.reset();
                long thisStart = lineStart;
                lineStart = offset;
                if (isBlank(bytes)) {
                    continue;
                }
                JournalRecord record = parse(bytes, thisStart);
                knownSeq = record.seq();
                knownStart = thisStart;
                knownLine = bytes;
                if (record.seq() > afterSeq) {
                    out.add(record.toEntry());
                }
            }
        }
        return out;
    }

    @Override
    public long lastSeq() throws IOException {
        long last = 0;
        while (true) {
            List<JournalEntry> more = readAfter(last, 10_000);
            if (more.isEmpty()) {
                return last;
            }
            last = more.get(more.size() - 1).seq();
        }
    }

    /** Where to continue for entries after {@code afterSeq}: after the remembered line if it still is there, else -1. */
    private long startFor(RandomAccessFile in, long afterSeq) throws IOException {
        if (knownStart < 0 || afterSeq < knownSeq) {
            return -1;
        }
        long end = knownStart + knownLine.length + 1;
        if (in.length() < end) {
            return -1;
        }
        byte[] now = new byte[knownLine.length + 1];
        in.seek(knownStart);
        in.readFully(now);
        boolean same = now[knownLine.length] == '\n' && Arrays.equals(now, 0, knownLine.length, knownLine, 0, knownLine.length);
        return same ? end : -1;
    }

    private JournalRecord parse(byte[] line, long offset) throws IOException {
        try {
            return RunJson.mapper().readValue(line, JournalRecord.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " at byte " + offset + ": not a journal record ("
                    + e.getOriginalMessage() + "): " + new String(line, 0, Math.min(line.length, 120), StandardCharsets.UTF_8));
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }
}
