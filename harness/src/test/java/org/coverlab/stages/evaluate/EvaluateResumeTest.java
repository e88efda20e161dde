package org.coverlab.stages.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.coverlab.run.Cancellation;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunStatus;
import org.coverlab.run.Runner;
import org.coverlab.run.Stage;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.stages.ModelSource;
import org.coverlab.stages.Pipeline;
import org.coverlab.stages.StageRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate stage stopped in the middle of generating its images and resumed gives the same scores as an
 * uninterrupted evaluation: the images already on disk are kept and the scores depend only on the image files. The
 * tiny model's seeded random initialisation at 32x48 with 2 DDIM steps (the weights do not matter here) and the
 * cover-feature extractor.
 */
class EvaluateResumeTest {

    @TempDir
    static Path dir;
    static StageRuns runs;
    static ExperimentSpec spec;
    static List<Stage> plan;

    @BeforeAll
    static void setUp() throws Exception {
        System.setProperty(ModelSource.TINY_PROPERTY, ModelSource.TINY_INIT);
        spec = StageRuns.spec(dir, """
                name: eval-resume
                seed: 5
                model: {base: tiny}
                dataset: {source: synthetic, path: synth, images: 12, validation_split: 0.4, resolution: {width: 32, height: 48}}
                train: {epochs: 0}
                sample: {every: never}
                eval: {metrics: [fid, kid], images: 8, steps: 2, batch_size: 2, every: end, extractor: cover}
                """);
        runs = new StageRuns(dir.resolve("runs"));
        plan = Pipeline.standard().plan(spec, List.of());
    }

    @AfterAll
    static void backToTheDefaultBase() {
        System.clearProperty(ModelSource.TINY_PROPERTY);
    }

    private static JsonNode record(RunDir run) throws Exception {
        return RunJson.mapper().readTree(run.eval().resolve("base").resolve(EvaluateProbe.RECORD).toFile());
    }

    private static long images(RunDir run) throws Exception {
        Path images = run.eval().resolve("base").resolve(EvaluateProbe.IMAGES);
        if (!Files.isDirectory(images)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(images)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".png")).count();
        }
    }

    @Test
    void anEvaluationStoppedMidwayAndResumedScoresExactlyAsAnUninterruptedOne() throws Exception {
        assertTrue(plan.stream().anyMatch(s -> s.name().equals(EvaluateStage.NAME)), plan.toString());
        Runner.Outcome whole = runs.run(spec, plan, new Cancellation());
        assertEquals(RunStatus.FINISHED, whole.status(), whole.error());
        JsonNode expected = record(runs.store.find(whole.runId()));

        // Stopped (as Ctrl-C does) once some but not all images are written.
        Cancellation stop = new Cancellation();
        Path runsDir = dir.resolve("runs");
        Thread watcher = new Thread(() -> {
            try {
                while (!stop.isCancelled()) {
                    try (Stream<Path> all = Files.list(runsDir)) {
                        for (Path p : all.toList()) {
                            if (!p.getFileName().toString().equals(whole.runId()) && Files.isDirectory(p.resolve("eval"))
                                    && images(new RunDir(p.getFileName().toString(), p)) >= 2) {
                                stop.cancel("test: stop mid-evaluation", Cancellation.SIGINT_EXIT);
                            }
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        Runner.Outcome stopped = runs.run(spec, plan, stop);
        watcher.join(10_000);
        assertEquals(RunStatus.KILLED, stopped.status(), stopped.error());
        RunDir run = runs.store.find(stopped.runId());
        long kept = images(run);
        assertTrue(kept >= 2 && kept < 8, kept + " images written before the stop");
        assertTrue(!Files.exists(run.eval().resolve("base").resolve(EvaluateProbe.RECORD)), "no score yet");

        Runner.Outcome resumed = runs.resume(stopped.runId(), spec, plan);
        assertEquals(RunStatus.FINISHED, resumed.status(), resumed.error());
        JsonNode got = record(run);
        assertEquals(expected.get("metrics"), got.get("metrics"), "the same scores, to the last bit");
        assertEquals(8, got.get("images").asInt());
        for (int i = 0; i < 8; i++) {
            String name = EvaluateProbe.imageFile(i);
            assertTrue(java.util.Arrays.equals(
                    Files.readAllBytes(runs.store.find(whole.runId()).eval().resolve("base/images").resolve(name)),
                    Files.readAllBytes(run.eval().resolve("base/images").resolve(name))), name + " is byte-identical");
        }
        assertTrue(runs.console.toString().contains("images already generated; continuing"), "the resume kept the images");
    }
}
