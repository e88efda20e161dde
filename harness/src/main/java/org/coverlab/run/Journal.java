package org.coverlab.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A run's append-only event journal ({@code events.jsonl}), one {@link JournalRecord} per line. Every append is
 * written and fsync'd before {@link #append} returns, so an acknowledged event survives kill -9 and power loss.
 *
 * <p>Crash recovery on {@link #open}: a last line without its newline (the process died mid-write) is cut off; a
 * complete last line that does not parse is cut too. Damage anywhere else is not a crash artefact and is reported as
 * {@link CorruptJournalException} rather than silently repaired. Sequence numbers must run 1, 2, 3... without gaps.
 *
 * <p>Not thread-safe by itself; {@link LocalTracker} serialises callers.
 */
public final class Journal implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private long lastSeq;
    private long lastStep;
    private final int cutBytes;

    private Journal(Path file, FileChannel channel, long lastSeq, long lastStep, int cutBytes) {
        this.file = file;
        this.channel = channel;
        this.lastSeq = lastSeq;
        this.lastStep = lastStep;
        this.cutBytes = cutBytes;
    }

    /** Opens (creating if absent) a journal for appending, after cutting a torn last line. */
    public static Journal open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Scan scan = scan(file, ch);
            if (scan.validLength < ch.size()) {
                ch.truncate(scan.validLength);
                ch.force(true);
            }
            ch.position(scan.validLength);
            return new Journal(file, ch, scan.lastSeq, scan.lastStep, (int) (scan.totalLength - scan.validLength));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Appends one event, stamped with the next sequence number, its step and the current time; durable on return. */
    public JournalRecord append(RunEvent event) throws IOException {
        long step = JournalRecord.stepOf(event, lastStep);
        JournalRecord record = new JournalRecord(lastSeq + 1, step, Instant.ofEpochMilli(event.timeMillis()).toString(), event);
        byte[] line = (RunJson.mapper().writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
        lastSeq = record.seq();
        lastStep = step;
        return record;
    }

    /**
     * Drops every record after {@code seq} (resume rolls the journal back to the checkpoint it restarts from, so the
     * steps replayed after it are journaled exactly once). Returns the number of records dropped.
     */
    public long truncateAfter(long seq) throws IOException {
        if (seq >= lastSeq) {
            return 0;
        }
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
        long[] keep = {0L};
        long[] keptStep = {0L};
        long[] offset = {0L};
        channel.position(0);
        readLines(file, (line, end) -> {
            JournalRecord r = parse(line, end);
            if (r.seq() <= seq) {
                keep[0] = end;
                keptStep[0] = r.step();
            }
        });
        offset[0] = keep[0];
        channel.truncate(offset[0]);
        channel.force(true);
        channel.position(offset[0]);
        long dropped = lastSeq - seq;
        lastSeq = seq;
        lastStep = keptStep[0];
        return dropped;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long lastStep() {
        return lastStep;
    }

    /** Bytes of a torn or unreadable last line removed when this journal was opened (0 after a clean shutdown). */
    public int cutBytesOnOpen() {
        return cutBytes;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Reads every complete record of a journal without modifying it (a concurrent writer may be appending: a torn
     * last line is skipped, not cut). A missing file reads as empty.
     */
    public static List<JournalRecord> read(Path file) throws IOException {
        List<JournalRecord> records = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try {
            readLines(file, (line, end) -> lines.add(line));
        } catch (NoSuchFileException e) {
            return records;
        }
        for (int i = 0; i < lines.size(); i++) {
            boolean last = i == lines.size() - 1;
            JournalRecord r;
            try {
                r = RunJson.mapper().readValue(lines.get(i), JournalRecord.class);
            } catch (JsonProcessingException e) {
                if (last) {
                    break;
                }
                throw new CorruptJournalException(file + ": line " + (i + 1) + " is not a journal record: " + e.getOriginalMessage());
            }
            expectSeq(file, i + 1, r.seq(), records.size() + 1);
            records.add(r);
        }
        return records;
    }

    private record Scan(long validLength, long totalLength, long lastSeq, long lastStep) {}

    private static Scan scan(Path file, FileChannel ch) throws IOException {
        long total = ch.size();
        long[] valid = {0L};
        long[] seq = {0L};
        long[] step = {0L};
        int[] lineNo = {0};
        String[] pendingBad = {null};
        readLines(file, (line, end) -> {
            lineNo[0]++;
            if (pendingBad[0] != null) {
                throw new CorruptJournalException(pendingBad[0]);
            }
            JournalRecord r;
            try {
                r = RunJson.mapper().readValue(line, JournalRecord.class);
            } catch (JsonProcessingException e) {
                // Tolerated only if it turns out to be the last line (a crash artefact); any later line makes it fatal.
                pendingBad[0] = file + ": line " + lineNo[0] + " is not a journal record: " + e.getOriginalMessage();
                return;
            }
            expectSeq(file, lineNo[0], r.seq(), seq[0] + 1);
            seq[0] = r.seq();
            step[0] = r.step();
            valid[0] = end;
        });
        return new Scan(valid[0], total, seq[0], step[0]);
    }

    private static void expectSeq(Path file, int lineNo, long seq, long expected) {
        if (seq != expected) {
            throw new CorruptJournalException(file + ": line " + lineNo + " has seq " + seq + " but " + expected
                    + " was expected (the journal must be gap-free)");
        }
    }

    private static JournalRecord parse(String line, long end) {
        try {
            return RunJson.mapper().readValue(line, JournalRecord.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface LineSink {
        /** A complete line (without its newline) and the byte offset just after its newline. */
        void accept(String line, long endOffset);
    }

    /** Feeds complete (newline-terminated) lines with their end offsets; a trailing unterminated fragment is ignored. */
    private static void readLines(Path file, LineSink sink) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                if (!line.isBlank()) {
                    sink.accept(line, i + 1L);
                }
                start = i + 1;
            }
        }
    }

    /** The journal is damaged in a way a crash cannot cause; a person must look at it. */
    public static final class CorruptJournalException extends RuntimeException {
        public CorruptJournalException(String message) {
            super(message);
        }
    }
}
