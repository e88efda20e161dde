package org.coverlab.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.coverlab.run.RunJson;

/**
 * A fixed-latent grid as the report reads it from {@code samples/<label>/grid.json} (the sample stage's record): rows
 * are prompts, columns seeds, {@code files[r][c]} the image of prompt r with seed c, relative to {@link #dir}. Fields
 * the report does not use are ignored, so newer grid records still read.
 *
 * @param initialLatentsSha256 per seed, the SHA-256 of its initial latent: equal hashes mean equal starting noise
 * @param model                the provenance of the weights that drew the grid, as recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GridInfo(
        String label,
        long step,
        List<String> prompts,
        List<Long> seeds,
        String scheduler,
        int steps,
        double guidanceScale,
        int width,
        int height,
        Map<String, String> initialLatentsSha256,
        JsonNode model,
        List<List<String>> files,
        String grid,
        double seconds,
        Path dir) {

    public static final String JSON = "grid.json";

    public GridInfo {
        prompts = prompts == null ? List.of() : List.copyOf(prompts);
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        initialLatentsSha256 = initialLatentsSha256 == null ? Map.of() : Map.copyOf(initialLatentsSha256);
        files = files == null ? List.of() : files.stream().map(List::copyOf).toList();
        grid = grid == null ? "grid.png" : grid;
    }

    /** A grid record as {@link org.coverlab.run.RunReader#grids()} returns it, its files in {@code labelDir}. */
    static GridInfo of(JsonNode json, Path labelDir) throws IOException {
        GridInfo raw = RunJson.mapper().treeToValue(json, GridInfo.class);
        if (raw.label() == null) {
            throw new IOException(labelDir.resolve(JSON) + ": no \"label\"");
        }
        return new GridInfo(raw.label(), raw.step(), raw.prompts(), raw.seeds(), raw.scheduler(), raw.steps(),
                raw.guidanceScale(), raw.width(), raw.height(), raw.initialLatentsSha256(), raw.model(), raw.files(),
                raw.grid(), raw.seconds(), labelDir);
    }

    /** The image of a prompt and seed, or null when the grid has no such cell or its file is gone. */
    public Path image(String prompt, long seed) {
        int row = prompts.indexOf(prompt);
        int col = seeds.indexOf(seed);
        if (row < 0 || col < 0 || row >= files.size() || col >= files.get(row).size()) {
            return null;
        }
        Path file = dir.resolve(files.get(row).get(col));
        return Files.isRegularFile(file) ? file : null;
    }

    /** Image files the record lists that are not on disk. */
    public int missingFiles() {
        int missing = 0;
        for (List<String> row : files) {
            for (String f : row) {
                if (!Files.isRegularFile(dir.resolve(f))) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /** One line on the weights: the recorded description, else the base model. */
    public String modelDescription() {
        if (model == null) {
            return "";
        }
        String d = model.path("description").asText("");
        return d.isEmpty() ? model.path("base").asText("") : d;
    }
}
