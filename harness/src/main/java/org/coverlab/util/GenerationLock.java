package org.coverlab.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * An OS file lock ({@code .<folder>.generate.lock} beside a folder) held while the folder is generated (a synthetic
 * dataset, the pretrained tiny base model), so processes starting together generate it once: the others wait, then
 * find it complete. The OS releases the lock when its holder dies, even by kill -9, so a crashed generator never
 * blocks later runs. Waiting stays cancellable.
 */
public final class GenerationLock implements AutoCloseable {

    private static final long POLL_MILLIS = 200;

    private final FileChannel channel;
    private final FileLock lock;

    private GenerationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
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
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                waiting.say().accept("another process is generating " + folder + " (" + holder(file)
                        + "); waiting for it");
                while ((lock = channel.tryLock()) == null) {
                    waiting.checkCancelled().run();
                    Thread.sleep(POLL_MILLIS);
                }
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new GenerationLock(channel, lock);
        } catch (IOException | InterruptedException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
