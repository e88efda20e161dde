package org.coverlab.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * run drew (base, then each checkpoint; at most {@link #MAX_STRIP} of them, first and last included, evenly spaced
 * between, so a long training does not multiply the page). Prompts and seeds are matched by text and value, so runs with different
 * prompt lists still line up where they share prompts.
 */
final class GridComparison {

    /** One image cell; {@code thumb} is null when the run has no image for it (then {@code missing} says why). */
    public record Cell(String thumb, String href, String alt, String caption, String missing) {}

    public record Row(String run, String grid, List<Cell> cells) {}

    /** @param shownOf null when every grid is in the strip, else "N of M grids" */
    public record Strip(String run, long seed, List<Cell> cells, String shownOf) {}

    /** The most grids an evolution strip shows. */
    static final int MAX_STRIP = 8;

    public record Section(int number, String prompt, List<Long> seeds, List<Row> rows, List<Strip> strips, List<String> notes) {
        public boolean hasStrips() {
            return !strips.isEmpty();
        }
    }

    private GridComparison() {}

    /**
     * @param href   where a file is, as the page links it (relative to the page)
     * @param thumbs the page's thumbnails (embedded up to its budget, files after)
     */
    static List<Section> build(List<RunSnapshot> runs, Map<RunSnapshot, String> labels, Function<Path, String> href,
                               Thumbnails thumbs) throws IOException {
        Set<String> prompts = new LinkedHashSet<>();
        Set<Long> seeds = new LinkedHashSet<>();
        for (RunSnapshot r : runs) {
            for (GridInfo g : r.grids()) {
                prompts.addAll(g.record().prompts());
                seeds.addAll(g.record().seeds());
            }
        }
        List<Long> seedList = List.copyOf(seeds);
        List<String> latentNotes = latentNotes(runs, seedList);
        List<Section> sections = new ArrayList<>();
        int number = 0;
        for (String prompt : prompts) {
            number++;
            List<Row> rows = new ArrayList<>();
            List<Strip> strips = new ArrayList<>();
            for (RunSnapshot run : runs) {
                List<GridInfo> withPrompt = run.grids().stream().filter(g -> g.record().prompts().contains(prompt)).toList();
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
                    long seed = latest.record().seeds().isEmpty() ? seedList.get(0) : latest.record().seeds().get(0);
                    List<Cell> strip = new ArrayList<>();
                    List<GridInfo> shown = evenly(withPrompt, MAX_STRIP);
                    for (GridInfo g : shown) {
                        strip.add(cell(run, g, prompt, seed, thumbs, href));
                    }
                    strips.add(new Strip(labels.get(run), seed, strip, shown.size() == withPrompt.size() ? null
                            : shown.size() + " of " + withPrompt.size() + " grids (all are linked under Provenance)"));
                }
            }
            sections.add(new Section(number, prompt, seedList, rows, strips, latentNotes));
        }
        return sections;
    }

    /** At most {@code max} items: the first, the last and evenly spaced ones between, in order. */
    static <T> List<T> evenly(List<T> items, int max) {
        if (items.size() <= max) {
            return items;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            out.add(items.get((int) Math.round(i * (items.size() - 1) / (double) (max - 1))));
        }
        return out;
    }

    private static Cell cell(RunSnapshot run, GridInfo grid, String prompt, long seed, Thumbnails thumbs,
                             Function<Path, String> href) throws IOException {
        if (!grid.record().seeds().contains(seed)) {
            return new Cell(null, null, null, null, "seed " + seed + " is not in this grid");
        }
        Path file = grid.image(prompt, seed);
        if (file == null) {
            return new Cell(null, null, null, null, "image file missing (pruned?)");
        }
        String thumb = thumbs.src(file);
        if (thumb == null) {
            return new Cell(null, null, null, null, "not a readable image: " + file.getFileName());
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
                    String h = g.record().initialLatentsSha256().get(Long.toString(seed));
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
