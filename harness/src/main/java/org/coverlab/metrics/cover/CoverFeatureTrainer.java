package org.coverlab.metrics.cover;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.model.cover.CoverFeatureConfig;
import org.coverlab.model.cover.CoverFeatureNet;
import org.coverlab.data.synth.Genre;
import org.coverlab.data.synth.JpegFiles;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.model.features.ImageTensors;
import org.coverlab.model.nn.Param;

/**
 * Trains the cover-feature network once: it paints {@code trainCovers + testCovers} synthetic covers (generator seed
 * {@code coverSeed}, JPEG-encoded and decoded like the dataset's files), then minimises the genre cross-entropy with
 * Adam over {@code epochs} seeded shuffles, and finally measures genre accuracy on the held-out covers. Everything is
 * seeded, so the same config gives the same weights on the same machine.
 */
public final class CoverFeatureTrainer {

    /** What training produced. */
    public record Outcome(CoverFeatureNet net, double heldOutAccuracy, double finalLoss, int trainCovers, int testCovers,
                          double seconds) {}

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;

    private CoverFeatureTrainer() {
    }

    public static int classes() {
        return Genre.values().length;
    }

    public static Outcome train(CoverFeatureConfig c, NDManager manager, Consumer<String> log) {
        long t0 = System.nanoTime();
        int total = c.trainCovers() + c.testCovers();
        GeneratorOptions options = new GeneratorOptions(total, c.coverSeed(), c.coverWidth(), c.coverHeight(), 1);
        int size = c.inputSize();
        int per = 3 * size * size;
        float[] inputs = new float[total * per];
        int[] labels = new int[total];
        try (NDManager m = manager.newSubManager()) {
            for (int i = 0; i < total; i++) {
                BufferedImage cover = decodeJpeg(JpegFiles.encode(SyntheticCoverSet.cover(i, options)));
                labels[i] = SyntheticCoverSet.facts(i, options).genre().ordinal();
                NDArray x = ImageTensors.fidInput(m, List.of(cover), size, size);
                System.arraycopy(x.toFloatArray(), 0, inputs, i * per, per);
                x.close();
            }
        }
        log.accept(String.format(java.util.Locale.ROOT, "cover features: painted %d synthetic covers in %.1f s; training %d epochs on %d",
                total, (System.nanoTime() - t0) / 1e9, c.epochs(), c.trainCovers()));
        CoverFeatureNet net = new CoverFeatureNet(c, classes(), manager);
        net.params().initialize(c.initSeed());
        net.params().setTrainable(true);
        List<NDArray[]> moments = new ArrayList<>();
        for (Param p : net.params().params()) {
            moments.add(new NDArray[] {p.value().zerosLike(), p.value().zerosLike()});
        }
        double lastLoss = Double.NaN;
        long step = 0;
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            int[] order = permutation(c.trainCovers(), new SplittableRandom(c.initSeed() * 31 + epoch));
            double epochLoss = 0;
            int batches = 0;
            for (int start = 0; start < order.length; start += c.batchSize()) {
                int n = Math.min(c.batchSize(), order.length - start);
                try (NDManager m = manager.newSubManager()) {
                    float[] bx = new float[n * per];
                    float[] onehot = new float[n * classes()];
                    for (int k = 0; k < n; k++) {
                        int idx = order[start + k];
                        System.arraycopy(inputs, idx * per, bx, k * per, per);
                        onehot[k * classes() + labels[idx]] = 1f;
                    }
                    NDArray x = m.create(bx, new Shape(n, 3, size, size));
                    NDArray y = m.create(onehot, new Shape(n, classes()));
                    float loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray l = net.logits(x).logSoftmax(1).mul(y).sum(new int[] {1}).mean().neg();
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    step++;
                    adamStep(net, moments, c.learningRate(), step);
                    epochLoss += loss;
                    batches++;
                }
            }
            lastLoss = epochLoss / batches;
            log.accept(String.format(java.util.Locale.ROOT, "cover features: epoch %d/%d, mean loss %.4f", epoch + 1,
                    c.epochs(), lastLoss));
        }
        net.params().setTrainable(false);
        for (NDArray[] mv : moments) {
            mv[0].close();
            mv[1].close();
        }
        double accuracy = accuracy(net, inputs, labels, c.trainCovers(), total, per, size, manager);
        return new Outcome(net, accuracy, lastLoss, c.trainCovers(), c.testCovers(), (System.nanoTime() - t0) / 1e9);
    }

    /** Adam (Kingma and Ba) with bias correction, in place under no-grad; gradients are zeroed after use. */
    private static void adamStep(CoverFeatureNet net, List<NDArray[]> moments, double lr, long t) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            int i = 0;
            double c1 = 1 - Math.pow(BETA1, t);
            double c2 = 1 - Math.pow(BETA2, t);
            for (Param p : net.params().params()) {
                NDArray[] mv = moments.get(i++);
                try (NDArray g = p.value().getGradient()) {
                    mv[0].muli(BETA1).addi(g.mul(1 - BETA1));
                    mv[1].muli(BETA2).addi(g.square().mul(1 - BETA2));
                    NDArray update = mv[0].div(c1).div(mv[1].div(c2).sqrt().add(ADAM_EPS)).mul(lr);
                    p.value().subi(update);
                    update.close();
                    g.muli(0);
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private static double accuracy(CoverFeatureNet net, float[] inputs, int[] labels, int from, int to, int per, int size,
                                   NDManager manager) {
        int correct = 0;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int start = from; start < to; start += 100) {
                int n = Math.min(100, to - start);
                try (NDManager m = manager.newSubManager()) {
                    float[] bx = new float[n * per];
                    System.arraycopy(inputs, start * per, bx, 0, n * per);
                    long[] predicted = net.logits(m.create(bx, new Shape(n, 3, size, size))).argMax(1).toLongArray();
                    for (int k = 0; k < n; k++) {
                        if (predicted[k] == labels[start + k]) {
                            correct++;
                        }
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return (double) correct / (to - from);
    }

    private static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static BufferedImage decodeJpeg(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
