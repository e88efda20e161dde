package org.coverlab.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderBuildTest {

    @TempDir
    Path dir;

    private static final Predicate<Path> DONE = f -> Files.isRegularFile(f.resolve("done"));

    @Test
    void buildsOnceThenUsesTheFolder() throws Exception {
        Path target = dir.resolve("cache");
        AtomicInteger builds = new AtomicInteger();
        FolderBuild.Builder builder = into -> {
            builds.incrementAndGet();
            Files.writeString(into.resolve("done"), "ok");
        };
        assertTrue(FolderBuild.ensure(target, DONE, builder, () -> { }));
        assertFalse(FolderBuild.ensure(target, DONE, builder, () -> { }));
        assertEquals(1, builds.get());
        assertEquals("ok", Files.readString(target.resolve("done")));
    }

    @Test
    void aFailedBuildLeavesNoFolderAndTheNextOneStartsClean() throws Exception {
        Path target = dir.resolve("cache");
        assertThrows(IOException.class, () -> FolderBuild.ensure(target, DONE, into -> {
            Files.writeString(into.resolve("half"), "x");
            throw new IOException("disk full");
        }, () -> { }));
        assertFalse(Files.exists(target), "a failed build never appears as the folder");
        assertTrue(FolderBuild.ensure(target, DONE, into -> Files.writeString(into.resolve("done"), "ok"), () -> { }));
        assertFalse(Files.exists(target.resolve("half")));
    }

    @Test
    void partialsOfDeadProcessesAreRemovedAndLiveOnesKept() throws Exception {
        Path dead = Files.createDirectories(dir.resolve(".cache.partial-2147483646"));
        Path live = Files.createDirectories(dir.resolve(".cache.partial-" + ProcessHandle.current().parent().orElseThrow().pid()));
        FolderBuild.ensure(dir.resolve("cache"), DONE, into -> Files.writeString(into.resolve("done"), "ok"), () -> { });
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(live));
    }

    @Test
    void concurrentCallersBuildOnce() throws Exception {
        Path target = dir.resolve("cache");
        AtomicInteger builds = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    FolderBuild.ensure(target, DONE, into -> {
                        builds.incrementAndGet();
                        Files.writeString(into.resolve("done"), "ok");
                    }, () -> { });
                } catch (Exception e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(), errors);
        assertEquals(1, builds.get());
    }
}
