package org.coverlab.stages.prepare;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Test helper process: {@code HoldGenerationLock LOCK_FILE READY_FILE MILLIS} holds the lock as a generator would. */
public final class HoldGenerationLock {

    private HoldGenerationLock() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            Files.writeString(Path.of(args[1]), "locked");
            Thread.sleep(Long.parseLong(args[2]));
        }
    }
}
