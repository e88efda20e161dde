package org.coverlab.data.synth;

/**
 * What a generator makes: {@code count} images of {@code width} x {@code height} from {@code seed}, rendered on
 * {@code threads} threads (0 = all cores). The output does not depend on the thread count.
 */
public record GeneratorOptions(int count, long seed, int width, int height, int threads) {

    public GeneratorOptions {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (width < 16 || height < 16 || width > 4096 || height > 4096) {
            throw new IllegalArgumentException("image size must be 16..4096 pixels per side, got " + width + "x" + height);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (all cores) or more, got " + threads);
        }
    }

    int threadCount() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
