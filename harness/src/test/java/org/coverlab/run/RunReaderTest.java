package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsSeriesMergedSummaryGridsAndEvaluationsWithoutTouchingTheFolder() throws Exception {
        RunStore store = new RunStore(dir.resolve("runs"), new RunId(), Clock.systemUTC());
        ActiveRun run = store.create(SpecWriter.toYaml(ExperimentSpec.DEFAULT), RunStoreTest.draft());
        run.lock().close();
        RunDir d = run.dir();
        try (Journal journal = Journal.open(d.journal())) {
            journal.append(new RunEvent.Summary(1, Map.of("dataset.images", 24, "shared", "first")));
            journal.append(new RunEvent.Metrics(2, 1, Map.of("loss", 0.5, "lr", 1e-4)));
            journal.append(new RunEvent.Metrics(3, 2, Map.of("loss", 0.25)));
            journal.append(new RunEvent.Summary(4, Map.of("final_loss", 0.25, "shared", "second")));
        }
        // a torn last line of a live writer: skipped by the reader, left in place
        Files.writeString(d.journal(), "{\"seq\":5,\"st", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Files.createDirectories(d.samples().resolve("base"));
        Files.writeString(d.samples().resolve("base/grid.json"), "{\"label\":\"base\",\"step\":0}");
        Files.createDirectories(d.eval().resolve("step-2"));
        Files.writeString(d.eval().resolve("step-2/fid.json"), "{\"fid\":12.5}");
        Map<String, String> before = snapshot(d.path());

        RunReader reader = RunReader.open(d.path());

        assertEquals(List.of("loss", "lr"), reader.metricNames());
        assertEquals(List.of(new RunReader.Point(1, 0.5, 2), new RunReader.Point(2, 0.25, 3)), reader.series("loss"));
        assertEquals(List.of(), reader.series("fid"));
        assertEquals(new TreeMap<>(Map.of("dataset.images", 24, "final_loss", 0.25, "shared", "second")), reader.summary(),
                "every Summary event merged, later values winning");
        assertEquals(Map.of("loss", 0.25), reader.lastMetrics());
        assertEquals(2, reader.events(RunEvent.Metrics.class).size());
        assertEquals(1, reader.grids().size());
        assertEquals("samples/base/grid.json", reader.grids().get(0).file());
        assertEquals(0, reader.grids().get(0).json().get("step").asInt());
        assertEquals("step-2", reader.evaluations().get(0).label());
        assertEquals(12.5, reader.evaluations().get(0).json().get("fid").asDouble());
        assertEquals("exp", reader.info().name());
        assertTrue(reader.state().isPresent());
        assertEquals(before, snapshot(d.path()), "reading changes nothing in the run folder");
    }

    private static Map<String, String> snapshot(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toMap(p -> root.relativize(p).toString(), p -> {
                try {
                    return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, (a, b) -> a, TreeMap::new));
        }
    }
}
