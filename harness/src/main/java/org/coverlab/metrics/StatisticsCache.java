package org.coverlab.metrics;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.GenerationLock;

/**
 * Statistics of an image set under an extractor, computed once and cached by content: the file is named by the
 * extractor, its weights and the images' content hash, so another set, another extractor or changed images never reuse
 * a stale entry. Computing is resumable: features are saved per chunk of images into a private sibling folder
 * ({@code .NAME.partial/}), so an interrupted run of 4,000 images continues at the first missing chunk; the final
 * {@code .npz} (mu, sigma, features, count) is written atomically and the chunks are then removed.
 */
public final class StatisticsCache {

    /** Told after each chunk: images done so far and the total. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(int done, int total);
    }

    public static final int CHUNK = 256;

    private StatisticsCache() {
    }

    public static String fileName(ImageSet images, FeatureExtractor extractor) {
        return extractor.name() + "-" + extractor.weightsSha256().substring(0, 12) + "-" + images.contentSha256().substring(0, 16)
                + "-n" + images.size() + ".npz";
    }

    /** The cached statistics when present, else computes and caches them in {@code dir}. */
    public static ActivationStatistics get(Path dir, ImageSet images, FeatureExtractor extractor, ProgressListener progress,
                                           Consumer<String> say, Runnable checkCancelled) throws IOException {
        return get(dir, images, extractor, extractor.batchSize(), progress, say, checkCancelled);
    }

    /**
     * As above with the extractor batch given. Processes asking together (the members of a study) compute the entry
     * once: the first computes under an OS lock beside the file ({@link GenerationLock}), the others wait ({@code say}
     * names the holder once) and then read the same file.
     */
    public static ActivationStatistics get(Path dir, ImageSet images, FeatureExtractor extractor, int batch,
                                           ProgressListener progress, Consumer<String> say, Runnable checkCancelled)
            throws IOException {
        Path file = dir.resolve(fileName(images, extractor));
        if (Files.isRegularFile(file)) {
            return ActivationStatistics.read(file, extractor.dims());
        }
        try (GenerationLock lock = GenerationLock.acquire(file, new GenerationLock.Waiting(say, checkCancelled))) {
            if (Files.isRegularFile(file)) {
                return ActivationStatistics.read(file, extractor.dims());
            }
            return compute(file, images, extractor, batch, progress, checkCancelled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + file);
        }
    }

    /** Computes statistics into {@code out} (resumable through {@code .out.partial/}). */
    public static ActivationStatistics compute(Path out, ImageSet images, FeatureExtractor extractor, int batch,
                                               ProgressListener progress, Runnable checkCancelled) throws IOException {
        if (images.size() < 2) {
            throw new MetricsException(images.description() + ": " + images.size() + " image(s); statistics need at least 2");
        }
        Path partial = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".partial");
        Files.createDirectories(partial);
        int n = images.size();
        float[][] features = new float[n][];
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            Path chunk = partial.resolve(String.format(java.util.Locale.ROOT, "chunk-%06d.npz", start));
            float[][] rows = null;
            if (Files.isRegularFile(chunk)) {
                NpyArray saved = Npz.read(chunk).get("features");
                if (saved != null && saved.shape()[0] == end - start && saved.shape()[1] == extractor.dims()) {
                    rows = saved.toFloatRows();
                }
            }
            if (rows == null) {
                rows = extract(images, extractor, start, end, batch, checkCancelled);
                NpyArray array = NpyArray.ofRows(rows);
                AtomicFiles.write(chunk, Npz.toBytes(Map.of("features", array)));
            }
            System.arraycopy(rows, 0, features, start, rows.length);
            progress.progress(end, n);
        }
        ActivationStatistics stats = ActivationStatistics.of(features);
        stats.write(out, true);
        AtomicFiles.deleteTree(partial);
        return stats;
    }

    /** Features of images [start, end), in the extractor's batches. */
    public static float[][] extract(ImageSet images, FeatureExtractor extractor, int start, int end, int batchSize,
                                    Runnable checkCancelled) {
        float[][] out = new float[end - start][];
        for (int b = start; b < end; b += batchSize) {
            checkCancelled.run();
            int e = Math.min(end, b + batchSize);
            List<BufferedImage> batch = new ArrayList<>(e - b);
            for (int i = b; i < e; i++) {
                batch.add(images.load(i));
            }
            float[][] f = extractor.features(batch);
            System.arraycopy(f, 0, out, b - start, f.length);
        }
        return out;
    }
}
