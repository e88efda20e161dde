package org.coverlab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The fixed-latent grids laid out for comparison, one section per prompt. "Side by side" has a row per run with the
 * run's latest grid, a column per seed: the same cell is the same prompt from the same initial noise, so what differs
 * is what the runs did to the model. "Evolution" has a strip per run with the first seed's image at every grid the
 * run drew (base, then each checkpoint). Prompts and seeds are matched by text and value, so runs with different
 * prompt lists still line up where they share prompts.
 */
final class GridComparison {

    /** One image cell; {@code thumb} is null when the run has no image for it (then {@code missing} says why). */
    public record Cell(String thumb, String href, String alt, String caption, String missing) {}

    public record Row(String run, String grid, List<Cell> cells) {}

    public record Strip(String run, long seed, List<Cell> cells) {}

    public record Section(int number, String prompt, List<Long> seeds, List<Row> rows, List<Strip> strips, List<String> notes) {
        public boolean hasStrips() {
            return !strips.isEmpty();
        }
    }

    private GridComparison() {}

    /**
     * @param href where a file is, as the page links it (relative to the page)
     */
    static List<Section> build(List<RunSnapshot> runs, Map<RunSnapshot, String> labels, Function<Path, String> href)
            throws IOException {
        Set<String> prompts = new LinkedHashSet<>();
        Set<Long> seeds = new LinkedHashSet<>();
        for (RunSnapshot r : runs) {
            for (GridInfo g : r.grids()) {
                prompts.addAll(g.prompts());
                seeds.addAll(g.seeds());
            }
        }
        List<Long> seedList = List.copyOf(seeds);
        List<String> latentNotes = latentNotes(runs, seedList);
        Map<Path, String> thumbs = new HashMap<>();
        List<Section> sections = new ArrayList<>();
        int number = 0;
        for (String prompt : prompts) {
            number++;
            List<Row> rows = new ArrayList<>();
            List<Strip> strips = new ArrayList<>();
            for (RunSnapshot run : runs) {
                List<GridInfo> withPrompt = run.grids().stream().filter(g -> g.prompts().contains(prompt)).toList();
                if (withPrompt.isEmpty()) {
                    List<Cell> empty = new ArrayList<>();
                    String why = run.grids().isEmpty() ? "this run has no grid" : "this run's grids do not have this prompt";
                    for (long ignored : seedList) {
                        empty.add(new Cell(null, null, null, null, why));
                    }
                    rows.add(new Row(labels.get(run), "—", empty));
                    continue;
                }
                GridInfo latest = withPrompt.get(withPrompt.size() - 1);
                List<Cell> cells = new ArrayList<>();
                for (long seed : seedList) {
                    cells.add(cell(run, latest, prompt, seed, thumbs, href));
                }
                rows.add(new Row(labels.get(run), latest.label(), cells));
                if (withPrompt.size() > 1) {
                    long seed = latest.seeds().isEmpty() ? seedList.get(0) : latest.seeds().get(0);
                    List<Cell> strip = new ArrayList<>();
                    for (GridInfo g : withPrompt) {
                        strip.add(cell(run, g, prompt, seed, thumbs, href));
                    }
                    strips.add(new Strip(labels.get(run), seed, strip));
                }
            }
            sections.add(new Section(number, prompt, seedList, rows, strips, latentNotes));
        }
        return sections;
    }

    private static Cell cell(RunSnapshot run, GridInfo grid, String prompt, long seed, Map<Path, String> thumbs,
                             Function<Path, String> href) throws IOException {
        if (!grid.seeds().contains(seed)) {
            return new Cell(null, null, null, null, "seed " + seed + " is not in this grid");
        }
        Path file = grid.image(prompt, seed);
        if (file == null) {
            return new Cell(null, null, null, null, "image file missing (pruned?)");
        }
        String thumb = thumbs.get(file);
        if (thumb == null) {
            thumb = Thumbnails.dataUri(file);
            if (thumb == null) {
                return new Cell(null, null, null, null, "not a readable image: " + file.getFileName());
            }
            thumbs.put(file, thumb);
        }
        String alt = "Run " + run.id() + " (" + run.name() + "), grid " + grid.label() + ", seed " + seed + ": " + prompt;
        return new Cell(thumb, href.apply(file), alt, grid.label() + " · seed " + seed, null);
    }

    /** A note for each seed whose initial latent differs between grids (then those cells did not start alike). */
    private static List<String> latentNotes(List<RunSnapshot> runs, List<Long> seeds) {
        List<String> notes = new ArrayList<>();
        for (long seed : seeds) {
            Map<String, List<String>> byHash = new TreeMap<>();
            for (RunSnapshot r : runs) {
                for (GridInfo g : r.grids()) {
                    String h = g.initialLatentsSha256().get(Long.toString(seed));
                    if (h != null) {
                        byHash.computeIfAbsent(h, k -> new ArrayList<>()).add(r.id() + "/" + g.label());
                    }
                }
            }
            if (byHash.size() > 1) {
                Map<String, List<String>> shown = new LinkedHashMap<>();
                byHash.forEach((h, where) -> shown.put(h.substring(0, Math.min(12, h.length())), where));
                notes.add("Seed " + seed + " did not start from the same noise everywhere (a different resolution or latent"
                        + " shape): initial-latent SHA-256 " + shown + "; those cells are not directly comparable.");
            }
        }
        return notes;
    }
}
