package org.coverlab.metrics.cover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.JpegFiles;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.metrics.ActivationStatistics;
import org.coverlab.metrics.FrechetDistance;
import org.coverlab.model.cover.CoverFeatureConfig;
import org.coverlab.model.cover.CoverFeatureNet;
import org.coverlab.util.ModelsDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The FID paper's disturbance check on the cover-feature extractor (the one the embedded default uses): a set against
 * itself scores about 0, the score grows monotonically as images are blurred, noised or blocked out, and real covers
 * score far better than noise. The network is the cached one (trained on first use, as in a run).
 */
class CoverFeatureSanityTest {

    private static final int N = 150;
    private static NDManager manager;
    private static CoverFeatureNet net;
    private static List<BufferedImage> reference;
    private static List<BufferedImage> held;
    private static ActivationStatistics referenceStats;

    @BeforeAll
    static void setUp() throws Exception {
        manager = NDManager.newBaseManager();
        net = CoverFeatures.open(ModelsDir.resolve(), CoverFeatureConfig.DEFAULT, manager, System.out::println);
        // covers like the dataset's (generator seed 0, JPEG files): reference = 0..N-1, held = N..2N-1
        GeneratorOptions o = new GeneratorOptions(2 * N, 0, 64, 96, 1);
        reference = new ArrayList<>();
        held = new ArrayList<>();
        for (int i = 0; i < 2 * N; i++) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(JpegFiles.encode(SyntheticCoverSet.cover(i, o))));
            (i < N ? reference : held).add(img);
        }
        referenceStats = stats(reference);
    }

    @AfterAll
    static void tearDown() {
        net.close();
        manager.close();
    }

    private static ActivationStatistics stats(List<BufferedImage> images) {
        float[][] f = new float[images.size()][];
        for (int i = 0; i < images.size(); i += 50) {
            float[][] part = net.features(images.subList(i, Math.min(images.size(), i + 50)));
            System.arraycopy(part, 0, f, i, part.length);
        }
        return ActivationStatistics.of(f);
    }

    private static double fidCover(UnaryOperator<BufferedImage> disturb) {
        return FrechetDistance.of(referenceStats, stats(held.stream().map(disturb).toList()));
    }

    @Test
    void aSetAgainstItselfScoresZero() {
        assertEquals(0.0, FrechetDistance.of(referenceStats, stats(reference)), 1e-6);
    }

    @Test
    void scoresGrowMonotonicallyWithBlurNoiseAndBlockOut() {
        double clean = fidCover(img -> img);
        List<List<Double>> curves = List.of(
                List.of(clean, fidCover(img -> blur(img, 3)), fidCover(img -> blur(img, 7)), fidCover(img -> blur(img, 15))),
                List.of(clean, fidCover(img -> noise(img, 20)), fidCover(img -> noise(img, 50)), fidCover(img -> noise(img, 100))),
                List.of(clean, fidCover(img -> blockOut(img, 0.15)), fidCover(img -> blockOut(img, 0.35)), fidCover(img -> blockOut(img, 0.6))));
        for (List<Double> curve : curves) {
            for (int k = 1; k < curve.size(); k++) {
                assertTrue(curve.get(k) > curve.get(k - 1), "not increasing: " + curves);
            }
        }
    }

    @Test
    void realCoversScoreFarBetterThanNoise() {
        double covers = fidCover(img -> img);
        Random r = new Random(3);
        double noise = fidCover(img -> {
            BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < out.getHeight(); y++) {
                for (int x = 0; x < out.getWidth(); x++) {
                    out.setRGB(x, y, r.nextInt(1 << 24));
                }
            }
            return out;
        });
        assertTrue(noise > 10 * covers, "covers " + covers + ", noise " + noise);
    }

    static BufferedImage blur(BufferedImage img, int size) {
        float[] k = new float[size * size];
        java.util.Arrays.fill(k, 1f / (size * size));
        // ConvolveOp's native path refuses some source layouts (decoded JPEGs are 3-byte BGR): convolve INT_RGB.
        BufferedImage src = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        src.getGraphics().drawImage(img, 0, 0, null);
        BufferedImage padded = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        new ConvolveOp(new Kernel(size, size, k), ConvolveOp.EDGE_NO_OP, null).filter(src, padded);
        return padded;
    }

    static BufferedImage noise(BufferedImage img, int amplitude) {
        Random r = new Random(img.getRGB(0, 0) * 31L + amplitude);
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int rr = clamp(((p >> 16) & 0xff) + (int) (r.nextGaussian() * amplitude));
                int g = clamp(((p >> 8) & 0xff) + (int) (r.nextGaussian() * amplitude));
                int b = clamp((p & 0xff) + (int) (r.nextGaussian() * amplitude));
                out.setRGB(x, y, (rr << 16) | (g << 8) | b);
            }
        }
        return out;
    }

    /** Black squares over the given share of the area, at seeded places. */
    static BufferedImage blockOut(BufferedImage img, double share) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.setColor(Color.BLACK);
        int side = Math.max(4, (int) Math.round(Math.sqrt(share * img.getWidth() * img.getHeight())));
        Random r = new Random(img.getRGB(1, 1));
        g.fillRect(r.nextInt(Math.max(1, img.getWidth() - side + 1)), r.nextInt(Math.max(1, img.getHeight() - side + 1)), side, side);
        g.dispose();
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
