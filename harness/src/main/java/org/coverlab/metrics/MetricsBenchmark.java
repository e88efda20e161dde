package org.coverlab.metrics;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.JpegFiles;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.metrics.cover.CoverFeatures;
import org.coverlab.model.cover.CoverFeatureConfig;
import org.coverlab.model.features.FeatureExtractor;
import org.coverlab.model.inception.FidInceptionV3;
import org.coverlab.model.inception.ReferenceWeights;
import org.coverlab.util.ModelsDir;

/**
 * Speed of the evaluation math, printed line by line (a benchmark, not a test): the Fréchet distance of two full-rank
 * 2048-dimensional statistics (the case of two .npz files), the same with the generated side given as 200 feature
 * vectors (the case of an evaluation point), and feature extraction images/s of both extractors (the Inception with
 * its deterministic reference weights: same network, same cost).
 */
public final class MetricsBenchmark {

    private MetricsBenchmark() {
    }

    public static void run(int images, Consumer<String> out) throws IOException {
        int d = 2048;
        ActivationStatistics a = randomStats(d, 3000, 1);
        ActivationStatistics b = randomStats(d, 3000, 2);
        FrechetDistance.of(a, b); // warm-up (class loading, JIT)
        long t0 = System.nanoTime();
        long c0 = processCpuNanos();
        FrechetDistance.Result full = FrechetDistance.compute(a, b, FrechetDistance.EPS);
        out.accept(String.format(Locale.ROOT, "frechet distance, two full-rank %d-d statistics: %.2f s wall, %.2f s CPU "
                        + "(%s; value %.4f; %s)", d, (System.nanoTime() - t0) / 1e9, (processCpuNanos() - c0) / 1e9,
                full.factorisation() + ", " + full.backend(), full.distance(), load()));
        float[][] gen = randomFeatures(d, 200, 3);
        ActivationStatistics g = ActivationStatistics.of(gen);
        t0 = System.nanoTime();
        c0 = processCpuNanos();
        FrechetDistance.Result low = FrechetDistance.compute(g, a, FrechetDistance.EPS);
        out.accept(String.format(Locale.ROOT, "frechet distance, 200 generated feature vectors vs %d-d statistics: %.2f s wall, "
                        + "%.2f s CPU (%s; %s)", d, (System.nanoTime() - t0) / 1e9, (processCpuNanos() - c0) / 1e9,
                low.factorisation() + ", " + low.backend(), load()));

        GeneratorOptions o = new GeneratorOptions(images, 0, 64, 96, 1);
        List<BufferedImage> covers = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            covers.add(ImageIO.read(new ByteArrayInputStream(JpegFiles.encode(SyntheticCoverSet.cover(i, o)))));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            try (FeatureExtractor inception = FidInceptionV3.reference(m, ReferenceWeights.SEED)) {
                out.accept(throughput(inception, covers));
            }
            try (FeatureExtractor cover = CoverFeatures.open(ModelsDir.resolve(), CoverFeatureConfig.DEFAULT, m, s -> { })) {
                out.accept(throughput(cover, covers));
            }
        }
    }

    /** CPU time of the whole process (every thread: EJML multiplies on several), so a loaded machine still measures. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String load() {
        return String.format(Locale.ROOT, "%d cores, load average %.1f", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static String throughput(FeatureExtractor e, List<BufferedImage> images) {
        e.features(images.subList(0, Math.min(images.size(), e.batchSize()))); // warm-up
        long t0 = System.nanoTime();
        for (int i = 0; i < images.size(); i += e.batchSize()) {
            e.features(images.subList(i, Math.min(images.size(), i + e.batchSize())));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return String.format(Locale.ROOT, "features %s: %.1f images/s (%d images of 64x96, batch %d)", e.name(),
                images.size() / s, images.size(), e.batchSize());
    }

    private static float[][] randomFeatures(int d, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] f = new float[n][d];
        for (float[] row : f) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (r.nextDouble() * (1 + j % 5));
            }
        }
        return f;
    }

    private static ActivationStatistics randomStats(int d, int n, long seed) {
        ActivationStatistics s = ActivationStatistics.of(randomFeatures(d, n, seed));
        return new ActivationStatistics(s.mu(), s.sigma(), d, n, null); // statistics only, as from an .npz
    }
}
