package org.coverlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.coverlab.run.RunStatus;
import org.coverlab.util.AtomicFiles;
import tech.tablesaw.api.Table;

/**
 * Renders one HTML page comparing runs (or describing one run) from their folders; no run needs to be active. First it
 * reads what each run recorded, then it builds the parts (spec differences, Tablesaw summary tables, XChart plots,
 * grids side by side, provenance), finally it writes the page with its images embedded (thumbnails and plots as data
 * URIs, so the page opens from file:// and from a mail attachment alone) and a sibling folder {@code <name>_files/}
 * with the plots as PNG and the tables as CSV. Full-size grid images are linked relative to the page.
 *
 * <p>Every text that comes from a spec, a caption or a record goes through the template engine's HTML escaping
 * (Mustache {@code {{...}}}); the template uses no unescaped tags.
 */
public final class Report {

    /** What a written report is: the page, its asset folder and the plots in it (for trackers). */
    public record Written(Path page, Path assets, List<Path> plots, long pageBytes) {}

    /**
     * @param title      the page title (the study name, or the run)
     * @param reportOnly the run id the page is written for by the run's own report stage: that run is running its
     *                   last stage, so it is shown as finished; null otherwise
     */
    public record Options(String title, String reportOnly, long thumbnailBudget) {
        public Options(String title, String reportOnly) {
            this(title, reportOnly, Thumbnails.EMBED_BUDGET);
        }
    }

    private static final Mustache TEMPLATE = new DefaultMustacheFactory("org/coverlab/report").compile("report.mustache");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Report() {}

    /** The asset folder of a page: {@code report.html} → {@code report_files/}. */
    public static Path assetsOf(Path page) {
        String name = page.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return page.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "_files");
    }

    public static Written write(List<RunSnapshot> runs, Path page, Options options) throws IOException {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one run");
        }
        page = page.toAbsolutePath().normalize();
        Path pageDir = page.getParent();
        Path assets = assetsOf(page);
        Files.createDirectories(assets);
        clearOldPlots(assets);

        // The run writing its own report is in its last stage: the page describes it finished.
        runs = runs.stream().map(r -> r.id().equals(options.reportOnly()) && r.status() == RunStatus.RUNNING ? r.finishing() : r)
                .toList();
        Map<RunSnapshot, String> labels = new IdentityHashMap<>();
        runs.forEach(r -> labels.put(r, r.id() + " · " + r.name()));
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("title", options.title());
        // No clock is read: the page is a function of the run folders, so writing it again gives the same bytes.
        scope.put("asOf", runs.stream().map(RunSnapshot::lastEvent).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).map(TIME::format).orElse(null));
        scope.put("runCount", runs.size());
        scope.put("several", runs.size() > 1);
        scope.put("runs", runs.stream().map(r -> card(r, pageDir, options)).toList());

        SpecDiff diff = SpecDiff.of(runs);
        scope.put("runHeaders", runs.stream().map(labels::get).toList());
        scope.put("diff", diff.differing());
        scope.put("hasDiff", !diff.differing().isEmpty());
        scope.put("shared", diff.shared());
        scope.put("sharedCount", diff.shared().size());

        Table summary = SummaryTables.runs(runs);
        Table evaluations = SummaryTables.evaluations(runs);
        summary.write().csv(assets.resolve("summary.csv").toFile());
        evaluations.write().csv(assets.resolve("evaluations.csv").toFile());
        scope.put("summary", SummaryTables.view(summary));
        scope.put("evaluations", SummaryTables.view(evaluations));
        scope.put("hasCover", evaluations.columnNames().stream().anyMatch(MetricNames::isCover));
        scope.put("assetsHref", href(pageDir, assets) + "/");

        List<MetricPlots.Plot> plots = MetricPlots.render(runs, labels);
        List<Path> plotFiles = new ArrayList<>();
        List<Map<String, Object>> plotViews = new ArrayList<>();
        for (MetricPlots.Plot p : plots) {
            Path file = assets.resolve(p.file());
            AtomicFiles.write(file, p.png());
            plotFiles.add(file);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("title", p.title());
            v.put("caption", p.caption());
            v.put("src", Thumbnails.pngDataUri(p.png()));
            v.put("href", href(pageDir, file));
            v.put("byStep", p.axis().equals("step"));
            plotViews.add(v);
        }
        scope.put("plotsByStep", plotViews.stream().filter(v -> (boolean) v.get("byStep")).toList());
        scope.put("plotsByEpoch", plotViews.stream().filter(v -> !(boolean) v.get("byStep")).toList());
        scope.put("hasPlots", !plotViews.isEmpty());
        scope.put("hasEpochPlots", plotViews.stream().anyMatch(v -> !(boolean) v.get("byStep")));

        Thumbnails thumbs = new Thumbnails(assets.resolve(Thumbnails.FOLDER), f -> href(pageDir, f), options.thumbnailBudget());
        List<GridComparison.Section> sections = GridComparison.build(runs, labels, f -> href(pageDir, f), thumbs);
        scope.put("prompts", sections);
        scope.put("hasGrids", !sections.isEmpty());
        List<String> notes = pageNotes(runs);
        if (thumbs.files() > 0) {
            notes.add(String.format(Locale.ROOT, "This page embeds %d grid thumbnails (%.1f MB); the other %d are files in %s,"
                    + " so keep that folder beside the page.", thumbs.embedded(), thumbs.embeddedBytes() / 1048576.0,
                    thumbs.files(), href(pageDir, assets.resolve(Thumbnails.FOLDER)) + "/"));
        }
        scope.put("notes", notes);

        StringWriter html = new StringWriter();
        TEMPLATE.execute(html, scope);
        AtomicFiles.writeString(page, html.toString());
        return new Written(page, assets, plotFiles, Files.size(page));
    }

    /** Report-wide remarks: metrics the runs do not share, runs that logged none. */
    private static List<String> pageNotes(List<RunSnapshot> runs) {
        List<String> notes = new ArrayList<>();
        Set<String> union = new TreeSet<>();
        Set<String> common = null;
        for (RunSnapshot r : runs) {
            Set<String> names = new HashSet<>(r.metrics().keySet());
            names.removeIf(m -> !MetricNames.plotted(m));
            union.addAll(names);
            if (common == null) {
                common = names;
            } else {
                common.retainAll(names);
            }
        }
        if (union.isEmpty()) {
            notes.add("No run here logged training or evaluation metrics (a run that only draws grids has none), so there are no plots.");
        } else if (runs.size() > 1 && common.isEmpty()) {
            notes.add("These runs have no metric in common (" + String.join(", ", union)
                    + "): each plot shows only the runs that logged its metric.");
        }
        return notes;
    }

    private static Map<String, Object> card(RunSnapshot r, Path pageDir, Options options) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", r.id());
        c.put("name", r.name());
        c.put("status", r.status().key());
        c.put("banner", banner(r, options));
        c.put("folderHref", href(pageDir, r.folder()) + "/");
        c.put("specHref", href(pageDir, r.dir().spec()));
        c.put("logHref", href(pageDir, r.dir().log()));
        c.put("journalHref", href(pageDir, r.dir().journal()));
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"spec SHA-256", r.info().specSha256()});
        facts.add(new String[] {"spec file", r.info().specSource()
                + (r.info().overrides().isEmpty() ? "" : "  --set " + String.join(" --set ", r.info().overrides()))});
        facts.add(new String[] {"code version", r.info().harnessVersion() + environment(r.runJson())});
        facts.add(new String[] {"seed", String.valueOf(r.config().getOrDefault("seed", "?"))});
        facts.add(new String[] {"created", r.info().createdAt()});
        facts.add(new String[] {"base model", model(r)});
        facts.add(new String[] {"dataset", dataset(r)});
        if (r.state() != null) {
            facts.add(new String[] {"stages completed", r.state().completedStages().isEmpty() ? "none"
                    : String.join(", ", r.state().completedStages())});
        }
        c.put("facts", facts.stream().map(f -> Map.of("key", f[0], "value", f[1] == null ? "?" : f[1])).toList());
        List<Map<String, String>> grids = new ArrayList<>();
        for (GridInfo g : r.grids()) {
            grids.add(Map.of("text", g.label(), "href", href(pageDir, g.gridImage())));
        }
        c.put("grids", grids);
        c.put("hasGrids", !grids.isEmpty());
        List<Map<String, String>> trackers = new ArrayList<>();
        RunSnapshot.TrackerLinks t = r.trackers();
        if (t.wandbUrl() != null) {
            trackers.add(Map.of("text", "W&B run", "href", t.wandbUrl()));
        }
        if (t.mlflowRunId() != null) {
            String experiment = String.valueOf(r.config().getOrDefault("tracking.project", "?"));
            Map<String, String> link = new LinkedHashMap<>();
            link.put("text", "MLflow run " + t.mlflowRunId() + " in experiment '" + experiment + "'"
                    + (t.mlflowUri() == null ? "" : " at " + t.mlflowUri()));
            String deep = t.mlflowRunUrl();
            if (deep != null) {
                link.put("href", deep);
            } else if (t.mlflowUri() != null && t.mlflowUri().matches("https?://.*")) {
                link.put("href", t.mlflowUri()); // logged by a version that did not record the experiment id
            }
            trackers.add(link);
        }
        c.put("trackers", trackers);
        c.put("hasTrackers", !trackers.isEmpty());
        c.put("notes", r.notes());
        return c;
    }

    private static String banner(RunSnapshot r, Options options) {
        if (r.status() == RunStatus.FINISHED) {
            return null;
        }
        String where = r.state() == null ? "" : " (stage " + (r.state().stage() == null ? "-" : r.state().stage())
                + ", step " + r.state().step() + ", last update " + r.state().updatedAt() + ")";
        String shown = " The report shows what the run had written when it was made.";
        if (r.status() == RunStatus.RUNNING) {
            return "This run is still running" + where + "." + shown;
        }
        if (r.status() == RunStatus.FAILED) {
            return "This run failed" + where + ": " + (r.state() == null ? "" : r.state().error()) + "." + shown
                    + " Resume it with: coverlab run --resume " + r.id();
        }
        return "This run stopped before finishing (killed or crashed)" + where + "." + shown
                + " Resume it with: coverlab run --resume " + r.id();
    }

    private static String model(RunSnapshot r) {
        Object base = r.summary().getOrDefault("model.base", r.config().get("model.base"));
        StringBuilder s = new StringBuilder(String.valueOf(base));
        if (r.summary().get("model.pretrained") instanceof Boolean p && !p) {
            s.append(" (random initialisation, not pretrained)");
        }
        if (r.summary().get("model.weights_sha256") instanceof String sha) {
            s.append(", weights SHA-256 ").append(sha);
        }
        return s.toString();
    }

    private static String dataset(RunSnapshot r) {
        JsonNode d = r.dataset();
        if (d == null) {
            Object source = r.config().get("dataset.source");
            return source == null ? "not recorded" : source + " (the run did not prepare the dataset: no data/dataset.json)";
        }
        StringBuilder s = new StringBuilder(d.path("source").asText("?"));
        if (d.hasNonNull("csvRows")) {
            s.append(", ").append(d.path("csvRows").asInt()).append(" CSV rows, ")
                    .append(d.path("trainExamples").asInt()).append(" train / ")
                    .append(d.path("validationExamples").asInt()).append(" validation examples");
        }
        if (d.hasNonNull("csvSha256")) {
            s.append(", CSV SHA-256 ").append(d.path("csvSha256").asText());
        }
        if (d.path("generated").asBoolean(false)) {
            s.append(" (generated by this run)");
        }
        return s.toString();
    }

    /** run.json fields beyond what every run has (the environment, the git commit), as "; key=value" text. */
    private static String environment(JsonNode runJson) {
        if (runJson == null) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        for (String key : List.of("environment", "git", "code")) {
            JsonNode node = runJson.get(key);
            if (node == null || !node.isObject()) {
                continue;
            }
            node.fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode()) {
                    s.append("; ").append(e.getKey()).append('=').append(e.getValue().asText());
                }
            });
        }
        return s.toString();
    }

    /** A link from the page to a file: relative when both are on one file system root, else a file: URI. */
    static String href(Path pageDir, Path target) {
        Path abs = target.toAbsolutePath().normalize();
        try {
            String rel = pageDir.relativize(abs).toString().replace('\\', '/');
            // Percent-encodes what a path may hold but a URL may not (spaces, '#', '?'); '/' and '..' stay.
            return rel.isEmpty() ? "." : new java.net.URI(null, null, rel, null).getRawPath();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return abs.toUri().toString();
        }
    }

    /** Removes what an earlier write of this page left (plots, thumbnail files) so none outlives its page. */
    private static void clearOldPlots(Path assets) throws IOException {
        AtomicFiles.deleteTree(assets.resolve(Thumbnails.FOLDER));
        try (Stream<Path> files = Files.list(assets)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.startsWith("plot-") && n.endsWith(".png")) {
                    Files.delete(f);
                }
            }
        }
    }
}
