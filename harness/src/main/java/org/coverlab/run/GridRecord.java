package org.coverlab.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code samples/<label>/grid.json}, the one record of a fixed-latent grid: the sample stage writes it, the report (and
 * anything else) reads it back with {@link #read}. Everything needed to redraw a grid or compare it with another run's.
 * Rows are prompts, columns seeds; image {@code files[r][c]} is prompt r with seed c, relative to the grid's folder.
 * Fields a reader does not know are ignored and missing lists read as empty, so older and newer records still read.
 *
 * @param step                 the optimizer step the weights are at (0 for {@code base})
 * @param latentShape          shape of each initial latent, (1, channels, height / f, width / f), f the VAE factor
 * @param initialLatentsSha256 per seed, SHA-256 of its initial latent as float32 little-endian bytes:
 *                             {@code torch.manual_seed(seed); torch.randn(latentShape)}; equal hashes, equal noise
 * @param model                the provenance of the weights that drew the grid (the sample stage's ModelProvenance)
 * @param grid                 the composed grid image's file name
 * @param seconds              generation time summed over every attempt that drew rows of this grid
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GridRecord(
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
        JsonNode model,
        List<List<String>> files,
        String grid,
        double seconds,
        double secondsPerImage) {

    public static final String JSON = "grid.json";

    public GridRecord {
        prompts = prompts == null ? List.of() : List.copyOf(prompts);
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        latentShape = latentShape == null ? List.of() : List.copyOf(latentShape);
        initialLatentsSha256 = initialLatentsSha256 == null ? Map.of() : Map.copyOf(initialLatentsSha256);
        files = files == null ? List.of() : files.stream().map(List::copyOf).toList();
        grid = grid == null ? "grid.png" : grid;
    }

    /** A stored record (as {@link RunReader#grids()} returns it); {@code file} names it in messages. */
    public static GridRecord read(JsonNode json, Path file) throws IOException {
        GridRecord record = RunJson.mapper().treeToValue(json, GridRecord.class);
        if (record.label() == null) {
            throw new IOException(file + ": no \"label\"");
        }
        return record;
    }
}
