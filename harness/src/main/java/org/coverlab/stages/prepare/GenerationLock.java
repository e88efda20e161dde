package org.coverlab.stages.prepare;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.coverlab.run.StageContext;

/**
 * An OS file lock ({@code .<folder>.generate.lock} beside the dataset folder) held while a synthetic set is generated,
 * so processes starting together generate it once: the others wait, then find the CSV. The OS releases the lock when
 * its holder dies, even by kill -9, so a crashed generator never blocks later runs. Waiting stays cancellable.
 */
final class GenerationLock implements AutoCloseable {

    private static final long POLL_MILLIS = 200;

    private final FileChannel channel;
    private final FileLock lock;

    private GenerationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static GenerationLock acquire(Path datasetRoot, StageContext ctx) throws IOException, InterruptedException {
        Path parent = datasetRoot.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path file = parent.resolve("." + datasetRoot.getFileName() + ".generate.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                ctx.log().info("another process is generating {} ({}); waiting for it", datasetRoot, holder(file));
                while ((lock = channel.tryLock()) == null) {
                    ctx.checkCancelled();
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
