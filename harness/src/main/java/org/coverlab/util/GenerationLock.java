package org.coverlab.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

/**
 * An OS file lock ({@code .<folder>.generate.lock} beside a folder) held while the folder is generated (a synthetic
 * dataset, the pretrained tiny base model), so processes starting together generate it once: the others wait, then
 * find it complete. The OS releases the lock when its holder dies, even by kill -9, so a crashed generator never
 * blocks later runs. Waiting stays cancellable.
 *
 * <p>The holder deletes the lock file before releasing it, so no lock file is left beside the folder. A waiter may
 * then hold the lock of a deleted file, so it checks after locking that the file at the path is still the one it
 * opened (the same file key, by stat: opening the path again would drop this process's lock, as POSIX locks go with
 * any close), and otherwise starts over on the file there now.
 */
public final class GenerationLock implements AutoCloseable {

    private static final long POLL_MILLIS = 200;

    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private GenerationLock(FileChannel channel, FileLock lock, Path file) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /**
     * What a waiting process does: {@code say} the one line naming the holder, and call {@code checkCancelled}
     * (which throws, e.g. the run's cancellation) between polls.
     */
    public record Waiting(Consumer<String> say, Runnable checkCancelled) {}

    public static GenerationLock acquire(Path folder, Waiting waiting) throws IOException, InterruptedException {
        Path parent = folder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path file = parent.resolve("." + folder.getFileName() + ".generate.lock");
        boolean said = false;
        while (true) {
            Object key = createAndStat(file);
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue; // deleted by its holder since the stat
            }
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    if (!said) {
                        waiting.say().accept("another process is generating " + folder + " (" + holder(file)
                                + "); waiting for it");
                        said = true;
                    }
                    while ((lock = channel.tryLock()) == null) {
                        waiting.checkCancelled().run();
                        Thread.sleep(POLL_MILLIS);
                    }
                }
                if (key.equals(fileKey(file))) {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.UTF_8)), 0);
                    return new GenerationLock(channel, lock, file);
                }
                channel.close(); // the previous holder deleted this file; lock the one at the path now
            } catch (IOException | InterruptedException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    /** The lock file's key (device and inode), creating the file if it is missing. */
    private static Object createAndStat(Path file) throws IOException {
        while (true) {
            try {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                // someone else's lock file: wait on it
            }
            Object key = fileKey(file);
            if (key != null) {
                return key;
            }
        }
    }

    private static Object fileKey(Path file) throws IOException {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            if (key == null) {
                throw new IOException("this file system gives no file keys, so " + file + " cannot serve as a lock");
            }
            return key;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String holder(Path file) {
        String text = read(file).lines().findFirst().orElse("").trim();
        return text.isEmpty() ? "holder unknown" : text;
    }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file); // while still locked, so a waiter on this file sees it gone and starts over
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
