package org.coverlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A read-only view of one run folder for people and reports: what the run is, where it got to, its metric series,
 * the merged summary, and the grid and evaluation records it wrote. It reads the journal once when opened and never
 * modifies the folder (a torn last journal line is skipped, not cut), so it is safe on a run that is still going and
 * on a copied or archived folder. Libraries that render runs (the report) read through this, never through the
 * stages' own classes.
 */
public final class RunReader {

    /** One value of a metric series. */
    public record Point(long step, double value, long timeMillis) {}

    /**
     * A JSON record a stage left in the run folder: {@code samples/<label>/grid.json} or {@code eval/<label>/*.json}.
     *
     * @param label the folder it sits in ({@code base}, {@code step-400}, ...)
     * @param file  the record's path inside the run folder, e.g. {@code samples/base/grid.json}
     * @param json  its content; the fields are the writing stage's (see its record type)
     */
    public record StoredRecord(String label, String file, JsonNode json) {}

    private final RunDir dir;
    private final RunInfo info;
    private final RunState state;
    private final List<JournalRecord> journal;

    private RunReader(RunDir dir, RunInfo info, RunState state, List<JournalRecord> journal) {
        this.dir = dir;
        this.info = info;
        this.state = state;
        this.journal = journal;
    }

    /** Reads run.json, state.json and every complete journal record of the run in {@code dir}. */
    public static RunReader open(RunDir dir) throws IOException {
        return new RunReader(dir, dir.readInfo(), dir.readState(),
                Files.exists(dir.journal()) ? List.copyOf(Journal.read(dir.journal())) : List.of());
    }

    /** Opens the run folder at {@code path} (its name is the run id). */
    public static RunReader open(Path path) throws IOException {
        return open(new RunDir(path.getFileName().toString(), path));
    }

    public RunDir dir() {
        return dir;
    }

    public RunInfo info() {
        return info;
    }

    /** The state, empty while the folder is still being created. */
    public Optional<RunState> state() {
        return Optional.ofNullable(state);
    }

    /** Every complete journal record, in sequence order. */
    public List<JournalRecord> journal() {
        return journal;
    }

    /** The names of every metric the run logged, sorted. */
    public List<String> metricNames() {
        return List.copyOf(series().keySet());
    }

    /** One metric's values in step order (a resumed run's journal holds each step once); empty if never logged. */
    public List<Point> series(String metric) {
        return series().getOrDefault(metric, List.of());
    }

    /** Every metric series by name, sorted by name. */
    public SortedMap<String, List<Point>> series() {
        SortedMap<String, List<Point>> all = new TreeMap<>();
        for (JournalRecord r : journal) {
            if (r.event() instanceof RunEvent.Metrics m) {
                m.values().forEach((name, value) ->
                        all.computeIfAbsent(name, k -> new ArrayList<>()).add(new Point(m.step(), value, m.timeMillis())));
            }
        }
        all.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableSortedMap(all);
    }

    /**
     * Every Summary event merged in journal order (a later value of a key replaces an earlier one), sorted by key.
     * Stages each journal their own summary (the dataset's, the grid's, training's), so no single event is the run's.
     */
    public SortedMap<String, Object> summary() {
        SortedMap<String, Object> merged = new TreeMap<>();
        for (JournalRecord r : journal) {
            if (r.event() instanceof RunEvent.Summary s) {
                merged.putAll(s.values());
            }
        }
        return Collections.unmodifiableSortedMap(merged);
    }

    /** The events of one type, in journal order (images, artifacts...). */
    public <E extends RunEvent> List<E> events(Class<E> type) {
        return journal.stream().map(JournalRecord::event).filter(type::isInstance).map(type::cast).toList();
    }

    /** The sample grids' {@code samples/<label>/grid.json} records, sorted by label. */
    public List<StoredRecord> grids() throws IOException {
        List<StoredRecord> out = new ArrayList<>();
        for (Path folder : subfolders(dir.samples())) {
            Path file = folder.resolve(GridRecord.JSON);
            if (Files.isRegularFile(file)) {
                out.add(record(folder, file));
            }
        }
        return out;
    }

    /**
     * The evaluation records: every {@code eval/<label>/*.json} (label = the folder) and {@code eval/<label>.json}
     * (label = the file name), sorted by file.
     */
    public List<StoredRecord> evaluations() throws IOException {
        List<StoredRecord> out = new ArrayList<>();
        if (Files.isDirectory(dir.eval())) {
            try (Stream<Path> files = Files.list(dir.eval())) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                        .sorted().toList()) {
                    String name = file.getFileName().toString();
                    out.add(new StoredRecord(name.substring(0, name.length() - 5),
                            dir.path().relativize(file).toString().replace('\\', '/'), RunJson.mapper().readTree(file.toFile())));
                }
            }
        }
        for (Path folder : subfolders(dir.eval())) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    out.add(record(folder, file));
                }
            }
        }
        return out;
    }

    private StoredRecord record(Path folder, Path file) throws IOException {
        JsonNode json = RunJson.mapper().readTree(file.toFile());
        return new StoredRecord(folder.getFileName().toString(),
                dir.path().relativize(file).toString().replace('\\', '/'), json);
    }

    private static List<Path> subfolders(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(parent)) {
            return list.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    /** The values of the last Metrics event, sorted by name, or an empty map. */
    public Map<String, Double> lastMetrics() {
        for (int i = journal.size() - 1; i >= 0; i--) {
            if (journal.get(i).event() instanceof RunEvent.Metrics m) {
                return new TreeMap<>(m.values());
            }
        }
        return Map.of();
    }
}
