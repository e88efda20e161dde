package org.coverlab.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.coverlab.run.GridRecord;

/**
 * A fixed-latent grid as the report uses it: the sample stage's record ({@code samples/<label>/grid.json}, read as
 * {@link GridRecord}) and the folder its files are in.
 */
public record GridInfo(GridRecord record, Path dir) {

    public String label() {
        return record.label();
    }

    public long step() {
        return record.step();
    }

    /** The image of a prompt and seed, or null when the grid has no such cell or its file is gone. */
    public Path image(String prompt, long seed) {
        int row = record.prompts().indexOf(prompt);
        int col = record.seeds().indexOf(seed);
        List<List<String>> files = record.files();
        if (row < 0 || col < 0 || row >= files.size() || col >= files.get(row).size()) {
            return null;
        }
        Path file = dir.resolve(files.get(row).get(col));
        return Files.isRegularFile(file) ? file : null;
    }

    /** Image files the record lists that are not on disk. */
    public int missingFiles() {
        int missing = 0;
        for (List<String> row : record.files()) {
            for (String f : row) {
                if (!Files.isRegularFile(dir.resolve(f))) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /** The composed grid image. */
    public Path gridImage() {
        return dir.resolve(record.grid());
    }
}
