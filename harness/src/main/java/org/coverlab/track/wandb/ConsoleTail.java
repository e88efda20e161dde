package org.coverlab.track.wandb;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a run's console log ({@code run.log}) incrementally, by byte position, one whole line at a time. */
final class ConsoleTail {

    /** New lines and the byte position after them. */
    record Chunk(List<String> lines, long endByte) {}

    /** At most this much of the log per batch, so a long offline log goes up over several requests. */
    private static final int MAX_BYTES = 2 * 1024 * 1024;

    private ConsoleTail() {}

    /**
     * Complete lines after {@code fromByte}; with {@code includePartial}, also an unterminated last line (at the end
     * of a run, when nothing more will be appended).
     */
    static Chunk read(Path file, long fromByte, boolean includePartial) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) <= fromByte) {
            return new Chunk(List.of(), fromByte);
        }
        byte[] bytes;
        boolean atEnd;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long available = in.length() - fromByte;
            int length = (int) Math.min(available, MAX_BYTES);
            atEnd = length == available;
            bytes = new byte[length];
            in.seek(fromByte);
            in.readFully(bytes);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(decode(bytes, start, i));
                start = i + 1;
            }
        }
        if (includePartial && atEnd && start < bytes.length) {
            lines.add(decode(bytes, start, bytes.length));
            start = bytes.length;
        }
        return new Chunk(lines, fromByte + start);
    }

    private static final java.util.regex.Pattern RUN_LOG_TIME =
            java.util.regex.Pattern.compile("^(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2})\\b.*");
    private static final java.time.format.DateTimeFormatter SDK_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(java.time.ZoneOffset.UTC);

    /**
     * Lines as the SDK puts them in output.log: each prefixed with a UTC time, {@code 2026-01-01T12:00:00.000000 text}.
     * The time is the one run.log starts its lines with, which is then cut from the text so it is not shown twice
     * (continuation lines such as stack frames take the previous line's), else {@code now}.
     */
    static List<String> withTimes(List<String> lines, java.time.Instant now) {
        List<String> out = new ArrayList<>(lines.size());
        String last = SDK_TIME.format(now);
        for (String line : lines) {
            java.util.regex.Matcher time = RUN_LOG_TIME.matcher(line);
            String text = line;
            if (time.matches()) {
                last = time.group(1) + "T" + time.group(2) + ".000000";
                text = line.substring(time.end(2)).stripLeading();
            }
            out.add(last + " " + text);
        }
        return out;
    }

    /** The byte position after the first {@code lines} lines (the part of the log a resumed run already has). */
    static long skipLines(Path file, long lines) throws IOException {
        if (lines <= 0 || !Files.isRegularFile(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        long seen = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' && ++seen == lines) {
                return i + 1;
            }
        }
        return bytes.length;
    }

    private static String decode(byte[] bytes, int from, int to) {
        int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
        return new String(bytes, from, end - from, StandardCharsets.UTF_8);
    }
}
