package org.coverlab.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams training examples epoch by epoch in a shuffled order fixed by (seed, epoch), decoding ahead of the training
 * step on a pool of worker threads. At most {@code depth} examples are in flight or waiting (bounded memory), and they
 * come out in order, so the stream is the same for any number of threads. Bad images are skipped, never thrown.
 */
public final class DataPipeline implements AutoCloseable {

    static final long POLL_MILLIS = 200;

    private final List<BookRecord> books;
    private final Loader loader;
    private final long seed;
    private final int depth;
    private final ThreadPoolExecutor pool;
    private final Runnable checkCancelled;

    /**
     * @param threads decoding threads (0 = one fewer than the cores, at least one)
     * @param depth   examples decoded ahead (0 = 4 per thread)
     */
    public DataPipeline(List<BookRecord> books, Loader loader, long seed, int threads, int depth) {
        this(books, loader, seed, threads, depth, () -> { });
    }

    /**
     * @param checkCancelled called (and may throw, e.g. a run's stop) every {@value #POLL_MILLIS} ms while waiting
     *                       for an example: decoding a large cover takes seconds, a batch of them longer
     */
    public DataPipeline(List<BookRecord> books, Loader loader, long seed, int threads, int depth,
                        Runnable checkCancelled) {
        this.checkCancelled = checkCancelled;
        this.books = List.copyOf(books);
        this.loader = loader;
        this.seed = seed;
        int t = threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        this.depth = depth > 0 ? depth : 4 * t;
        AtomicInteger n = new AtomicInteger();
        this.pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(t, r -> {
            Thread th = new Thread(r, "coverlab-data-" + n.incrementAndGet());
            th.setDaemon(true); // never keeps the JVM alive after training ends
            return th;
        });
    }

    /** Loads one example on a decoding thread ({@link ExampleLoader}); null when its image is unusable. */
    @FunctionalInterface
    public interface Loader {
        TrainingExample load(BookRecord book, int epoch, Cursor after);
    }

    /** Examples per epoch before skipping bad images. */
    public int size() {
        return books.size();
    }

    /** The rest of the cursor's epoch (the next epoch's start when the cursor is at the end). */
    public Epoch epoch(Cursor from) {
        Cursor c = from.normalised(books.size());
        return new Epoch(c.epoch(), c.position());
    }

    /** Decoders finish the image in hand (never interrupted while reading a file); queued work is dropped. */
    @Override
    public void close() {
        pool.shutdown();
        pool.getQueue().clear();
    }

    /** One pass over the shuffled order from a position; {@link #close()} it to drop prefetched work when stopping early. */
    public final class Epoch implements Iterator<TrainingExample>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final ArrayDeque<Future<TrainingExample>> inFlight = new ArrayDeque<>();
        private int submitted;
        private TrainingExample next;

        private Epoch(int epoch, int position) {
            this.epoch = epoch;
            this.order = EpochOrder.of(books.size(), seed, epoch);
            this.submitted = position;
            fill();
        }

        public int number() {
            return epoch;
        }

        private void fill() {
            while (inFlight.size() < depth && submitted < order.length) {
                BookRecord book = books.get(order[submitted]);
                Cursor after = new Cursor(epoch, submitted + 1);
                inFlight.add(pool.submit(() -> loader.load(book, epoch, after)));
                submitted++;
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null && !inFlight.isEmpty()) {
                Future<TrainingExample> f = inFlight.poll();
                fill();
                try {
                    next = await(f);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for training data", e);
                } catch (ExecutionException e) {
                    // ExampleLoader catches bad data itself; anything here is a bug, so surface it.
                    throw new IllegalStateException("data loader failed", e.getCause());
                }
            }
            return next != null;
        }

        @Override
        public TrainingExample next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            TrainingExample e = next;
            next = null;
            return e;
        }

        private TrainingExample await(Future<TrainingExample> f) throws InterruptedException, ExecutionException {
            while (true) {
                try {
                    return f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    checkCancelled.run();
                }
            }
        }

        /** Up to {@code size} examples; fewer only at the end of the epoch, empty when it is over. */
        public List<TrainingExample> nextBatch(int size) {
            List<TrainingExample> batch = new ArrayList<>(size);
            while (batch.size() < size && hasNext()) {
                batch.add(next());
            }
            return batch;
        }

        @Override
        public void close() {
            inFlight.forEach(f -> f.cancel(false)); // a decode under way finishes; none is interrupted mid-read
            inFlight.clear();
        }
    }
}
