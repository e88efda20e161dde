package org.coverlab.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationLockTest {

    @TempDir
    Path dir;

    private static final GenerationLock.Waiting QUIET = new GenerationLock.Waiting(line -> { }, () -> { });

    @Test
    void noLockFileIsLeftBesideTheFolder() throws Exception {
        Path folder = dir.resolve("synthetic-covers");
        try (GenerationLock lock = GenerationLock.acquire(folder, QUIET)) {
            assertTrue(Files.exists(dir.resolve(".synthetic-covers.generate.lock")));
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    /** The holder deletes the file a waiter has locked; the waiter must notice and lock the file at the path. */
    @Test
    void aWaiterWhoseLockFileWasDeletedTakesTheLockAgainAndCleansUp() throws Exception {
        Path folder = dir.resolve("set");
        Path ready = dir.resolve("ready");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GenerationLockTest.class.getName(), folder.toString(),
                ready.toString(), "5000").inheritIO().start();
        try {
            for (int i = 0; i < 300 && !Files.exists(ready); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(ready), "the holder took the lock");
            List<String> said = new ArrayList<>();
            try (GenerationLock lock = GenerationLock.acquire(folder, new GenerationLock.Waiting(said::add, () -> { }))) {
                String stamp = Files.readString(dir.resolve(".set.generate.lock"));
                assertTrue(stamp.startsWith("pid " + ProcessHandle.current().pid() + "\n"), stamp);
            }
            assertTrue(said.get(0).startsWith("another process is generating") && said.get(0).contains("(pid "), said.toString());
            assertFalse(Files.exists(dir.resolve(".set.generate.lock")));
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Helper process: {@code FOLDER READY_FILE MILLIS} holds the folder's generation lock, then releases it. */
    public static void main(String[] args) throws Exception {
        try (GenerationLock lock = GenerationLock.acquire(Path.of(args[0]), QUIET)) {
            Files.writeString(Path.of(args[1]), "locked");
            Thread.sleep(Long.parseLong(args[2]));
        }
    }
}
