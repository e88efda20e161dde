package org.coverlab.metrics;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.util.AtomicFiles;
import org.coverlab.util.FolderBuild;

/**
 * Statistics of an image set under an extractor, computed once and cached by content: the entry is named by the
 * extractor, its weights and the images' content hash, so another set, another extractor or changed images never reuse
 * a stale entry. Each entry is a folder {@code <key>/statistics.npz} (mu, sigma, features, count) built through
 * {@link FolderBuild}, so concurrent processes compute it once and a kill never leaves a half-written file. Computing
 * is resumable: features are saved per chunk of images in the build's work folder, so an interrupted run of 4,000
 * images continues at the first missing chunk.
 */
public final class StatisticsCache {

    /** Told after each chunk: images done so far and the total. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(int done, int total);
    }

    public static final int CHUNK = 256;
    /** The statistics file inside an entry's folder. */
    public static final String FILE = "statistics.npz";

    private StatisticsCache() {
    }

    /** The entry's folder name: extractor, weights, content hash and image count. */
    public static String key(ImageSet images, FeatureExtractor extractor) {
        return extractor.name() + "-" + extractor.weightsSha256().substring(0, 12) + "-" + images.contentSha256().substring(0, 16)
                + "-n" + images.size();
    }

    /** Where the statistics of these images are (or will be) cached in {@code dir}. */
    public static Path file(Path dir, ImageSet images, FeatureExtractor extractor) {
        return dir.resolve(key(images, extractor)).resolve(FILE);
    }

    /** The cached statistics when present, else computes and caches them in {@code dir}. */
    public static ActivationStatistics get(Path dir, ImageSet images, FeatureExtractor extractor, ProgressListener progress,
                                           Runnable checkCancelled) throws IOException {
        return get(dir, images, extractor, extractor.batchSize(), progress, checkCancelled);
    }

    public static ActivationStatistics get(Path dir, ImageSet images, FeatureExtractor extractor, int batch,
                                           ProgressListener progress, Runnable checkCancelled) throws IOException {
        if (images.size() < 2) {
            throw new MetricsException(images.description() + ": " + images.size() + " image(s); statistics need at least 2");
        }
        Path file = file(dir, images, extractor);
        try {
            FolderBuild.ensure(file.getParent(), f -> Files.isRegularFile(f.resolve(FILE)), (into, work) ->
                    compute(work, images, extractor, batch, progress, checkCancelled).write(into.resolve(FILE), true),
                    checkCancelled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for another process to compute " + file, e);
        }
        return ActivationStatistics.read(file, extractor.dims());
    }

    /** Computes statistics, saving each chunk's features in {@code work} and reusing chunks already there. */
    private static ActivationStatistics compute(Path work, ImageSet images, FeatureExtractor extractor, int batch,
                                                ProgressListener progress, Runnable checkCancelled) throws IOException {
        Files.createDirectories(work);
        int n = images.size();
        float[][] features = new float[n][];
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            Path chunk = work.resolve(String.format(java.util.Locale.ROOT, "chunk-%06d.npz", start));
            float[][] rows = null;
            if (Files.isRegularFile(chunk)) {
                NpyArray saved = Npz.read(chunk).get("features");
                if (saved != null && saved.shape()[0] == end - start && saved.shape()[1] == extractor.dims()) {
                    rows = saved.toFloatRows();
                }
            }
            if (rows == null) {
                rows = extract(images, extractor, start, end, batch, checkCancelled);
                AtomicFiles.write(chunk, Npz.toBytes(Map.of("features", NpyArray.ofRows(rows))));
            }
            System.arraycopy(rows, 0, features, start, rows.length);
            progress.progress(end, n);
        }
        return ActivationStatistics.of(features);
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
