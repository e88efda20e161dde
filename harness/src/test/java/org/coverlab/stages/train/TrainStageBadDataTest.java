package org.coverlab.stages.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.coverlab.data.BookDataset;
import org.coverlab.data.SkipLog;
import org.coverlab.run.Cancellation;
import org.coverlab.run.RunStatus;
import org.coverlab.run.Runner;
import org.coverlab.run.Stage;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.stages.ModelSource;
import org.coverlab.stages.Pipeline;
import org.coverlab.stages.StageRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dataset with no usable training image is bad input, found only once the run reads it: the run fails with exit
 * code 2 (not 1) and a message naming the dataset folder, whether the cover files are missing (prepare_data finds no
 * usable row) or present but none of them decodes (train finds no example).
 */
class TrainStageBadDataTest {

    @TempDir
    Path dir;

    @BeforeEach
    void randomInitTinyModel() {
        System.setProperty(ModelSource.TINY_PROPERTY, ModelSource.TINY_INIT);
    }

    @AfterEach
    void backToTheDefaultBase() {
        System.clearProperty(ModelSource.TINY_PROPERTY);
    }

    private ExperimentSpec spec() throws Exception {
        return StageRuns.spec(dir, """
                name: bad-data
                seed: 3
                model: {base: tiny}
                dataset: {source: synthetic, path: covers, images: 4, resolution: {width: 32, height: 32}}
                train: {components: [unet], epochs: 1, batch_size: 2}
                sample: {every: never}
                eval: {metrics: []}
                """);
    }

    /** Generates the synthetic set (as prepare_data would on first use) and lists its cover files. */
    private List<Path> generatedCovers(ExperimentSpec spec) throws Exception {
        BookDataset.open(spec.dataset(), dir, spec.seed(), new SkipLog());
        try (Stream<Path> files = Files.walk(dir.resolve("covers"))) {
            List<Path> covers = files.filter(f -> f.toString().endsWith(".png") || f.toString().endsWith(".jpg")).toList();
            assertTrue(covers.size() >= 4, "generated covers: " + covers.size());
            return covers;
        }
    }

    private Runner.Outcome run(ExperimentSpec spec) throws Exception {
        List<Stage> plan = Pipeline.standard().plan(spec, List.of("prepare_data", "train"));
        return new StageRuns(dir.resolve("runs")).run(spec, plan, new Cancellation());
    }

    @Test
    void coversThatNoneDecodeFailTheRunWithExitTwoNamingTheDataset() throws Exception {
        ExperimentSpec spec = spec();
        for (Path cover : generatedCovers(spec)) {
            Files.writeString(cover, "not an image");
        }
        Runner.Outcome outcome = run(spec);
        assertEquals(RunStatus.FAILED, outcome.status());
        assertEquals(2, outcome.exitCode(), outcome.error());
        assertTrue(outcome.error().contains(dir.resolve("covers").toString())
                && outcome.error().contains("no usable training image"), outcome.error());
    }

    @Test
    void coversThatAreAllMissingFailTheRunWithExitTwoNamingTheDataset() throws Exception {
        ExperimentSpec spec = spec();
        for (Path cover : generatedCovers(spec)) {
            Files.delete(cover);
        }
        Runner.Outcome outcome = run(spec);
        assertEquals(RunStatus.FAILED, outcome.status());
        assertEquals(2, outcome.exitCode(), outcome.error());
        assertTrue(outcome.error().contains(dir.resolve("covers").toString()), outcome.error());
    }
}
