package org.coverlab.data.synth;

import org.coverlab.data.CsvWriter;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import org.coverlab.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Renders items 0..count-1 on a thread pool and writes {@code images/images/{i}.jpg} plus one CSV with a row per item
 * in index order. Each item is a pure function of its index (its own seeded RNG), so the files are byte-identical for
 * any thread count.
 */
final class ParallelWriter {

    static final long POLL_MILLIS = 200;
    /** How the set was made (generator, count, seed, size), written last. */
    static final String MANIFEST = "generator.json";

    /** One rendered item: the JPEG bytes and its CSV row. */
    record Item(byte[] jpeg, List<String> row) {}

    private ParallelWriter() {
    }

    static void write(Path root, String csvName, List<String> header, GeneratorOptions options, IntFunction<Item> render) {
        write(root, csvName, header, options, render, () -> { });
    }

    /**
     * @param checkCancelled polled every {@value #POLL_MILLIS} ms while the items are rendered; when it throws, the
     *                       workers stop after the file in hand (a flag, no interrupt mid-write) and it is rethrown
     */
    static void write(Path root, String csvName, List<String> header, GeneratorOptions options, IntFunction<Item> render,
                      Runnable checkCancelled) {
        write(root, csvName, header, options, 0, i -> {
            throw new IllegalStateException("no item before 0");
        }, render, checkCancelled);
    }

    /**
     * Renders items {@code from..count-1} only, takes the CSV rows of the items before {@code from} from {@code rowOf}
     * (which must give the row {@code render} would), and writes the whole CSV: the same files as a fresh write of
     * {@code count} items. Items at and above {@code from} are fsync'd before the CSV is replaced (atomically), so a
     * reader of the CSV, old or new, only ever finds complete images.
     */
    static void write(Path root, String csvName, List<String> header, GeneratorOptions options, int from,
                      IntFunction<List<String>> rowOf, IntFunction<Item> render, Runnable checkCancelled) {
        Path imageDir = root.resolve("images").resolve("images");
        try {
            Files.createDirectories(imageDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + imageDir + ": " + e.getMessage(), e);
        }
        int n = options.count();
        int threads = Math.max(1, Math.min(options.threadCount(), n - from));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<List<String>> rows = new ArrayList<>(n);
        for (int i = 0; i < from; i++) {
            rows.add(rowOf.apply(i));
        }
        AtomicBoolean stop = new AtomicBoolean();
        try {
            // Contiguous chunks per task keep scheduling overhead low; each item still owns its RNG.
            int chunk = Math.max(1, Math.min(256, (n - from) / (threads * 8) + 1));
            List<Future<List<List<String>>>> futures = new ArrayList<>();
            for (int start = from; start < n; start += chunk) {
                int first = start;
                int to = Math.min(n, start + chunk);
                futures.add(pool.submit(() -> {
                    List<List<String>> out = new ArrayList<>(to - first);
                    for (int i = first; i < to && !stop.get(); i++) {
                        Item item = render.apply(i);
                        Files.write(imageDir.resolve(i + ".jpg"), item.jpeg());
                        out.add(item.row());
                    }
                    return out;
                }));
            }
            for (Future<List<List<String>>> f : futures) {
                while (true) {
                    // polled before every wait too, not only when one times out: on a fast machine the chunks may
                    // all finish within the poll interval and a stop would otherwise wait for the whole set
                    try {
                        checkCancelled.run();
                    } catch (RuntimeException stopped) {
                        stop.set(true);
                        pool.shutdown();
                        pool.awaitTermination(30, TimeUnit.SECONDS); // one cover each, milliseconds
                        throw stopped;
                    }
                    try {
                        rows.addAll(f.get(POLL_MILLIS, TimeUnit.MILLISECONDS));
                        break;
                    } catch (TimeoutException e) {
                        // not done yet: poll the stop again
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating images", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new UncheckedIOException("cannot write images into " + imageDir + ": " + io.getMessage(), io);
            }
            throw new IllegalStateException("image generation failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
        Path csv = root.resolve(csvName);
        try {
            if (from > 0) {
                for (int i = from; i < n; i++) {
                    try (FileChannel ch = FileChannel.open(imageDir.resolve(i + ".jpg"), StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
            AtomicFiles.write(csv, stream -> writeCsv(stream, header, rows));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    static void writeCsv(java.io.OutputStream stream, List<String> header, List<List<String>> rows) throws IOException {
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        CsvWriter w = new CsvWriter(out);
        w.write(header);
        rows.forEach(w::write);
        out.flush();
    }

    static void manifest(Path root, String generator, GeneratorOptions o) {
        String json = String.format(java.util.Locale.ROOT,
                "{\"generator\": \"%s\", \"count\": %d, \"seed\": %d, \"width\": %d, \"height\": %d, \"jpeg_quality\": %.2f}%n",
                generator, o.count(), o.seed(), o.width(), o.height(), JpegFiles.QUALITY);
        try {
            AtomicFiles.writeString(root.resolve(MANIFEST), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + root.resolve("generator.json") + ": " + e.getMessage(), e);
        }
    }
}
