package org.coverlab.stages.sample;

import org.coverlab.stages.ModelProvenance;
import java.util.List;
import java.util.Map;

/**
 * {@code samples/<label>/grid.json}: everything needed to redraw a grid or compare it with another run's. Rows are
 * prompts, columns seeds; image {@code files[r][c]} is prompt r with seed c.
 *
 * @param step                 the optimizer step the weights are at (0 for {@code base})
 * @param latentShape          shape of each initial latent, (1, channels, height / f, width / f), f the VAE factor
 * @param initialLatentsSha256 per seed, SHA-256 of its initial latent as float32 little-endian bytes:
 *                             {@code torch.manual_seed(seed); torch.randn(latentShape)}
 * @param seconds              generation time summed over every attempt that drew rows of this grid
 */
record GridRecord(
        String label,
        long step,
        List<String> prompts,
        List<Long> seeds,
        String scheduler,
        int steps,
        double guidanceScale,
        int width,
        int height,
        int clipSkip,
        int batchSize,
        List<Long> latentShape,
        Map<String, String> initialLatentsSha256,
        ModelProvenance model,
        List<List<String>> files,
        String grid,
        double seconds,
        double secondsPerImage) {}
