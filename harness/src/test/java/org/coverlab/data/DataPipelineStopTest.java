package org.coverlab.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Training waits for decoded covers; one large cover can take seconds. A stop (Ctrl-C, SIGTERM) must end that wait
 * within a second or two, by the polled stop check, without interrupting the decoding thread (it may be reading a
 * file) and without waiting for the decode.
 */
class DataPipelineStopTest {

    /** What the run's stop check throws. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped");
        }
    }

    @Test
    void aStopEndsTheWaitForASlowDecodeWithoutInterruptingTheDecoder() throws Exception {
        List<BookRecord> books = List.of(CaptionBuilderTest.book(0, "A", List.of("B"), "d", List.of("G")),
                CaptionBuilderTest.book(1, "C", List.of("D"), "d", List.of("G")));
        CountDownLatch decoding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch decoded = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        DataPipeline.Loader slow = (book, epoch, after) -> {
            decoding.countDown();
            try {
                release.await(60, TimeUnit.SECONDS); // a cover that takes a minute, unless the test ends first
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            decoded.countDown();
            return null;
        };
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong stoppedAt = new AtomicLong();
        try (DataPipeline pipeline = new DataPipeline(books, slow, 1, 1, 1, () -> {
            if (stop.get()) {
                throw new Stopped();
            }
        }); DataPipeline.Epoch epoch = pipeline.epoch(Cursor.START)) {
            Thread stopper = new Thread(() -> {
                try {
                    decoding.await();
                    Thread.sleep(300); // the trainer is waiting for the example by now
                    stoppedAt.set(System.nanoTime());
                    stop.set(true);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            assertThrows(Stopped.class, epoch::hasNext);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt.get());
            assertTrue(waitedMillis < 2_000, "the stop ended the wait after " + waitedMillis + " ms");
            assertTrue(release.getCount() > 0, "the decode was not waited for");
            stopper.join();
        } finally {
            release.countDown();
        }
        assertTrue(decoded.await(10, TimeUnit.SECONDS), "the decode in hand finishes");
        assertFalse(interrupted.get(), "the decoding thread was interrupted");
    }
}
