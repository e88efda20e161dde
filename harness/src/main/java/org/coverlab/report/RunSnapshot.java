package org.coverlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.coverlab.run.GridRecord;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunOverview;
import org.coverlab.run.RunReader;
import org.coverlab.run.RunState;
import org.coverlab.run.RunStatus;
import org.coverlab.run.RunEvent;

/**
 * Everything a report shows about one run, read from its folder without modifying it (safe while the run is live):
 * what the run is, where it is, its metric series, the merged summary, its fixed-latent grids, its evaluation records,
 * dataset provenance and the remote tracker runs it was logged to. Problems that do not stop a report (a pruned grid,
 * an unreadable record) are collected in {@link #notes} for the page to show.
 *
 * @param config      the flattened resolved spec (dotted keys) from the journal's last Started event
 * @param metrics     metric name to (step to value); a resumed run's journal holds each step once
 * @param epochs      step to epoch, from the {@code epoch} metric (empty when the run logged none); whole-number
 *                    epochs (the demo loop logs the epoch index) are spread evenly over each epoch's steps
 * @param summary     every Summary event merged in journal order (later values win)
 * @param wallSeconds time the run's attempts took, from each Started event to the last event before the next one
 * @param live        whether a process holds the run's lock now
 * @param lastEvent   the time of the journal's last event (null for an empty journal): when the record was as shown
 */
public record RunSnapshot(
        RunDir dir,
        RunInfo info,
        RunState state,
        RunStatus status,
        boolean live,
        Map<String, Object> config,
        Map<String, NavigableMap<Long, Double>> metrics,
        NavigableMap<Long, Double> epochs,
        Map<String, Object> summary,
        List<GridInfo> grids,
        List<EvaluationInfo> evaluations,
        JsonNode dataset,
        JsonNode runJson,
        TrackerLinks trackers,
        double wallSeconds,
        Instant lastEvent,
        List<String> notes) {

    /** The metric that gives a step its epoch; an axis, not a curve. */
    public static final String EPOCH = "epoch";

    /**
     * Remote runs found in run.log: W&B run URL and MLflow run id and experiment id (null when the run was not logged
     * there, or, for the experiment id, by a version that did not log it).
     */
    public record TrackerLinks(String wandbUrl, String mlflowRunId, String mlflowExperimentId, String mlflowUri) {
        public boolean any() {
            return wandbUrl != null || mlflowRunId != null;
        }

        /** The MLflow UI's page of the run ({@code <server>/#/experiments/<id>/runs/<run id>}), when the server is http(s). */
        public String mlflowRunUrl() {
            if (mlflowRunId == null || mlflowExperimentId == null || mlflowUri == null || !mlflowUri.matches("https?://.*")) {
                return null;
            }
            String base = mlflowUri.endsWith("/") ? mlflowUri.substring(0, mlflowUri.length() - 1) : mlflowUri;
            return base + "/#/experiments/" + mlflowExperimentId + "/runs/" + mlflowRunId;
        }
    }

    private static final Pattern WANDB_RUN = Pattern.compile("wandb: (?:created|resumed) run \\S+ \\((https?://[^\\s)]+)\\)");
    private static final Pattern MLFLOW_RUN = Pattern.compile(
            "mlflow: (?:created|continuing) run ([0-9a-fA-F]+) in experiment '.*?'(?: \\(id ([\\w-]+)\\))?");

    public String id() {
        return dir.id();
    }

    public String name() {
        return info.name();
    }

    public Path folder() {
        return dir.path();
    }

    /**
     * This run as it will stand once its own report stage, which is reading it, completes: finished, no longer live.
     * The page that stage writes describes the finished run, not the moment inside its last stage.
     */
    public RunSnapshot finishing() {
        return new RunSnapshot(dir, info, state, RunStatus.FINISHED, false, config, metrics, epochs, summary, grids,
                evaluations, dataset, runJson, trackers, wallSeconds, lastEvent, notes);
    }

    /** The run's last value of a metric, if it logged one. */
    public Optional<Double> last(String metric) {
        NavigableMap<Long, Double> series = metrics.get(metric);
        return series == null || series.isEmpty() ? Optional.empty() : Optional.of(series.lastEntry().getValue());
    }

    /** The epoch a step falls in: the {@code epoch} metric at that step or the last one before it. */
    public Optional<Double> epochAt(long step) {
        Map.Entry<Long, Double> e = epochs.floorEntry(step);
        return e == null ? Optional.empty() : Optional.of(e.getValue());
    }

    /** A summary value as a number, if it is one. */
    public Optional<Double> summaryNumber(String key) {
        return summary.get(key) instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
    }

    /** Reads a run folder. Never writes to it; a journal damaged beyond a torn last line is an IOException naming the line. */
    public static RunSnapshot read(RunDir dir) throws IOException {
        List<String> notes = new ArrayList<>();
        RunOverview overview = RunOverview.of(dir);
        boolean live = RunLock.isHeld(dir.lockFile());
        RunReader reader;
        try {
            reader = RunReader.open(dir);
        } catch (Journal.CorruptJournalException e) {
            throw new IOException(e.getMessage(), e);
        }
        Map<String, Object> config = new TreeMap<>();
        double wall = 0;
        long attemptStart = -1;
        long lastTime = -1;
        for (JournalRecord r : reader.journal()) {
            if (r.event() instanceof RunEvent.Started s) {
                if (attemptStart >= 0) {
                    wall += Math.max(0, lastTime - attemptStart);
                }
                attemptStart = s.timeMillis();
                config = new TreeMap<>(s.config());
            }
            lastTime = r.event().timeMillis();
        }
        if (attemptStart >= 0) {
            wall += Math.max(0, lastTime - attemptStart);
        }
        Map<String, NavigableMap<Long, Double>> metrics = new TreeMap<>();
        reader.series().forEach((name, points) -> {
            NavigableMap<Long, Double> series = new TreeMap<>();
            points.forEach(p -> series.put(p.step(), p.value()));
            metrics.put(name, series);
        });
        NavigableMap<Long, Double> epochs = MetricPlots.fractional(metrics.getOrDefault(EPOCH, new TreeMap<>()));
        List<GridInfo> grids = grids(dir, reader, notes);
        List<EvaluationInfo> evaluations = evaluations(reader, notes);
        JsonNode dataset = readJson(dir.path().resolve("data").resolve("dataset.json"), notes);
        JsonNode runJson = readJson(dir.runInfo(), notes);
        TrackerLinks trackers = trackerLinks(dir, config);
        return new RunSnapshot(dir, overview.info(), overview.state(), overview.effectiveStatus(), live, config, metrics,
                epochs, new TreeMap<>(reader.summary()), grids, evaluations, dataset, runJson, trackers, wall / 1000.0,
                lastTime < 0 ? null : Instant.ofEpochMilli(lastTime), notes);
    }

    private static List<GridInfo> grids(RunDir dir, RunReader reader, List<String> notes) throws IOException {
        List<GridInfo> grids = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (RunReader.StoredRecord record : reader.grids()) {
            Path labelDir = dir.path().resolve(record.file()).getParent();
            try {
                GridInfo grid = new GridInfo(GridRecord.read(record.json(), labelDir.resolve(GridRecord.JSON)), labelDir);
                grids.add(grid);
                seen.add(dir.path().relativize(grid.gridImage()).toString().replace('\\', '/'));
                if (grid.missingFiles() > 0) {
                    notes.add("grid " + grid.label() + ": " + grid.missingFiles() + " of its image files are missing"
                            + " (pruned or deleted); their cells are left empty");
                }
            } catch (IOException e) {
                notes.add("grid " + record.label() + " not shown: " + e.getMessage());
            }
        }
        for (RunEvent.Image image : reader.events(RunEvent.Image.class)) {
            if (image.key().startsWith("samples/") && !seen.contains(image.path())) {
                seen.add(image.path());
                notes.add("grid " + image.key().substring("samples/".length()) + " (step " + image.step()
                        + ") was logged but its files are gone from " + image.path().replaceAll("/[^/]*$", "/")
                        + " (pruned or deleted)");
            }
        }
        grids.sort(Comparator.comparingLong(GridInfo::step).thenComparing(GridInfo::label));
        return grids;
    }

    /** The {@code eval/<label>/evaluation.json} records (other JSON files an evaluation leaves are not points). */
    private static List<EvaluationInfo> evaluations(RunReader reader, List<String> notes) throws IOException {
        List<EvaluationInfo> out = new ArrayList<>();
        for (RunReader.StoredRecord record : reader.evaluations()) {
            if (!record.file().endsWith("/" + EvaluationInfo.JSON)) {
                continue;
            }
            try {
                out.add(EvaluationInfo.of(record.json(), record.file()));
            } catch (IOException e) {
                notes.add("evaluation " + record.label() + " not shown: " + e.getMessage());
            }
        }
        out.sort(Comparator.comparingLong(EvaluationInfo::step).thenComparing(EvaluationInfo::label));
        return out;
    }

    private static JsonNode readJson(Path file, List<String> notes) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return RunJson.mapper().readTree(file.toFile());
        } catch (IOException e) {
            notes.add(file.getFileName() + " is unreadable: " + e.getMessage());
            return null;
        }
    }

    /** The remote runs, as the sinks announced them in run.log (the only place their ids are written). */
    private static TrackerLinks trackerLinks(RunDir dir, Map<String, Object> config) throws IOException {
        String wandb = null;
        String mlflow = null;
        String experiment = null;
        if (Files.isRegularFile(dir.log())) {
            for (String line : Files.readAllLines(dir.log())) {
                Matcher w = WANDB_RUN.matcher(line);
                if (w.find()) {
                    wandb = w.group(1);
                }
                Matcher m = MLFLOW_RUN.matcher(line);
                if (m.find()) {
                    mlflow = m.group(1);
                    experiment = m.group(2);
                }
            }
        }
        Object uri = config.get("tracking.tracking_uri");
        return new TrackerLinks(wandb, mlflow, experiment, uri == null || uri.toString().isBlank() ? null : uri.toString());
    }
}
