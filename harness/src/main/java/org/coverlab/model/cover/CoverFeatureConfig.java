package org.coverlab.model.cover;

import java.util.List;
import org.coverlab.util.Sha256;

/**
 * Everything that decides the cover-feature network's weights: architecture, training data and schedule. Its hash
 * names the cached model folder, so a changed recipe trains a new model instead of reusing a stale one.
 *
 * @param inputSize   images are resized (bilinear, as for FID) to inputSize x inputSize
 * @param channels    output channels of the stride-2 3x3 convolutions; the last is the feature dimension
 * @param trainCovers synthetic covers trained on (generator seed {@code coverSeed}, indices 0..trainCovers-1)
 * @param testCovers  held-out covers for the genre accuracy (the indices after the training ones)
 * @param coverSeed   generator seed of those covers: not the dataset's seed 0, so evaluation references are unseen
 */
public record CoverFeatureConfig(int version, int inputSize, List<Integer> channels, int groups, int trainCovers,
                                 int testCovers, int coverWidth, int coverHeight, long coverSeed, int epochs,
                                 int batchSize, double learningRate, long initSeed) {

    public static final CoverFeatureConfig DEFAULT = new CoverFeatureConfig(1, 64, List.of(32, 64, 128, 256), 8,
            1600, 400, 64, 96, 1L, 4, 48, 2e-3, 7L);

    public CoverFeatureConfig {
        channels = List.copyOf(channels);
    }

    public int dims() {
        return channels.get(channels.size() - 1);
    }

    public String canonical() {
        return "cover-cnn v" + version + " input=" + inputSize + " channels=" + channels + " groups=" + groups
                + " train=" + trainCovers + " test=" + testCovers + " covers=" + coverWidth + "x" + coverHeight
                + " seed=" + coverSeed + " epochs=" + epochs + " batch=" + batchSize + " lr=" + learningRate
                + " init=" + initSeed;
    }

    /** First 16 hex digits of the SHA-256 of {@link #canonical()}. */
    public String hash() {
        return Sha256.ofText(canonical()).substring(0, 16);
    }
}
