package org.coverlab.model.features;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A network that turns images into feature vectors for FID/KID. Two exist: the FID Inception of pytorch-fid (standard
 * {@code fid}/{@code kid}) and the cover-feature CNN of the embedded default ({@code fid_cover}/{@code kid_cover}).
 * The metric names come from here so a score is never reported under the other extractor's name.
 */
public interface FeatureExtractor extends AutoCloseable {

    /** Short stable name written into results, e.g. {@code inception-v3-fid} or {@code cover-cnn}. */
    String name();

    /** Feature dimension (2048 for the Inception's pool3). */
    int dims();

    /** SHA-256 of the weights file (or of the deterministic recipe when there is no file). */
    String weightsSha256();

    /** "" for the standard Inception, "_cover" for the cover extractor: metrics are fid+suffix, kid+suffix. */
    String metricSuffix();

    /** Features of RGB images (any size; each extractor resizes as it was trained or defined), one row per image. */
    float[][] features(List<BufferedImage> images);

    /** Images per forward pass that keep memory modest. */
    int batchSize();

    /** One line for logs and command output. */
    String description();

    @Override
    void close();

    /** A network's flat (n, d) output as one row per image. */
    static float[][] rows(float[] flat, int n, int d) {
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }
}
