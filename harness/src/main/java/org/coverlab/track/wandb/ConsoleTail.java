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
