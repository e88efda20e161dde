package org.coverlab.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writeReplacesTheTargetAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("sub/state.json");
        AtomicFiles.writeString(target, "old");
        AtomicFiles.write(target, out -> {
            out.write("ne".getBytes(StandardCharsets.UTF_8));
            out.write("w".getBytes(StandardCharsets.UTF_8));
        });
        assertArrayEquals("new".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
        assertEquals(List.of(target), list(target.getParent()));
    }

    @Test
    void failedStreamingWriteKeepsTheOldContentAndRemovesTheTempFile() throws IOException {
        Path target = dir.resolve("weights.safetensors");
        AtomicFiles.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[1000]);
            throw new IOException("disk full");
        }));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            throw new IllegalStateException("bad tensor");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), list(dir));
    }

    private static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }
}
