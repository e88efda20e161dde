package org.coverlab.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive ownership of a run by one process: an OS lock on {@code runs/<id>/.lock} (released by the kernel when
 * the process dies, even by kill -9, so a crashed run never stays locked) plus the owner's pid and host in the file so
 * a refused process can say who holds it.
 */
public final class RunLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or throws {@link RunLockedException} naming the holder. */
    public static RunLock acquire(String runId, Path lockFile) throws IOException {
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        }
        if (lock == null) {
            ch.close();
            throw new RunLockedException(runId, owner(lockFile));
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((Owner.current().toString() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new RunLock(ch, lock);
    }

    /** True when some live process holds the run's lock (a run left 'running' without a holder has died). */
    public static boolean isHeld(Path lockFile) {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The pid and host last written into the lock file (may be stale if nobody holds the lock). */
    public static Owner owner(Path lockFile) {
        try {
            String text = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
            return Owner.parse(text);
        } catch (IOException | RuntimeException e) {
            return new Owner(-1, "unknown host");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    /** A process that drives runs: "pid 1234 on host ml-box". */
    public record Owner(long pid, String host) {

        public static Owner current() {
            return new Owner(ProcessHandle.current().pid(), Hosts.name());
        }

        static Owner parse(String text) {
            int at = text.indexOf('@');
            if (at < 0) {
                return new Owner(Long.parseLong(text), "unknown host");
            }
            return new Owner(Long.parseLong(text.substring(0, at)), text.substring(at + 1));
        }

        @Override
        public String toString() {
            return pid + "@" + host;
        }

        public String describe() {
            return pid < 0 ? "another process" : "pid " + pid + " on host " + host;
        }
    }
}
