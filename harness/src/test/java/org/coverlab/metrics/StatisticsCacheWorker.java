package org.coverlab.metrics;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.model.features.FeatureExtractor;

/**
 * A process asking the statistics cache for the same entry as another (as two study members evaluating against the
 * same validation split do). Its extractor is slow and appends one line per image it extracts to a shared file, so
 * the test can count how often the work was done. Args: cache folder, count file, output file (mu as text), and a
 * start file: the worker writes {@code <output>.ready} and asks only once the start file exists, so both ask together.
 */
public final class StatisticsCacheWorker {

    static final int IMAGES = 16;

    public static void main(String[] args) throws Exception {
        Path cache = Path.of(args[0]);
        Path counts = Path.of(args[1]);
        Path out = Path.of(args[2]);
        Path go = Path.of(args[3]);
        Files.writeString(Path.of(args[2] + ".ready"), "ready");
        while (!Files.exists(go)) {
            Thread.sleep(20);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            names.add("img" + i);
        }
        ImageSet images = new ImageSet("sixteen images", names, i -> {
            BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
            img.setRGB(0, 0, i * 1000 + 17);
            return img;
        }, "ab".repeat(32));
        FeatureExtractor slow = new FeatureExtractor() {
            public String name() {
                return "slow-test";
            }

            public int dims() {
                return 3;
            }

            public String weightsSha256() {
                return "cd".repeat(32);
            }

            public String metricSuffix() {
                return "_test";
            }

            public float[][] features(List<BufferedImage> batch) {
                float[][] f = new float[batch.size()][];
                for (int i = 0; i < batch.size(); i++) {
                    int rgb = batch.get(i).getRGB(0, 0) & 0xffffff;
                    f[i] = new float[] {rgb % 7, rgb % 11, rgb % 13};
                    try {
                        Files.writeString(counts, "x\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        Thread.sleep(150); // slow enough that the other process asks while this one computes
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return f;
            }

            public int batchSize() {
                return 2;
            }

            public String description() {
                return "slow test extractor";
            }

            public void close() {
            }
        };
        ActivationStatistics stats = StatisticsCache.get(cache, images, slow, (done, total) -> { }, () -> { });
        Files.writeString(out, java.util.Arrays.toString(stats.mu()));
    }
}
