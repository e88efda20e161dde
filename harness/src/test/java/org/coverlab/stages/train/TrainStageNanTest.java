package org.coverlab.stages.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.coverlab.model.nn.Ops;
import org.coverlab.run.Cancellation;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunStatus;
import org.coverlab.run.Runner;
import org.coverlab.run.Stage;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.TrainSpec;
import org.coverlab.stages.ModelSource;
import org.coverlab.stages.Pipeline;
import org.coverlab.stages.StageRuns;
import org.coverlab.training.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NaN loss stops the run with an error naming the update and the last good checkpoint, and that checkpoint is
 * good: the run resumed from it (once the fault is gone) ends with the same weights as a run that never failed.
 */
class TrainStageNanTest {

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

    /** The loss of the third micro-batch (update 3 at batch 1, no accumulation) made NaN. */
    private static Trainer.LossFunction nanAtUpdate3(Trainer.LossFunction good) {
        int[] calls = {0};
        return (m, b, seed) -> ++calls[0] == 3 ? Ops.mul(good.loss(m, b, seed), Float.NaN) : good.loss(m, b, seed);
    }

    private static List<Stage> plan(ExperimentSpec spec, TrainStage train) throws Exception {
        return Pipeline.standard().with(train).plan(spec, List.of("prepare_data", "train"));
    }

    private static Path weights(RunDir run, long step) {
        return TrainStage.weightsFile(run.checkpoints().resolve(Long.toString(step)), TrainSpec.Component.UNET);
    }

    @Test
    void aNanLossStopsTheRunNamingTheUpdateAndKeepsTheLastGoodCheckpoint() throws Exception {
        ExperimentSpec spec = StageRuns.spec(dir, """
                name: nan
                seed: 3
                model: {base: tiny}
                dataset: {source: synthetic, path: covers, images: 4, resolution: {width: 32, height: 32}}
                train: {components: [unet], epochs: 1, batch_size: 1, gradient_accumulation: 1, checkpoint_every: 1, keep_last: 10}
                sample: {every: never}
                eval: {metrics: []}
                """);
        StageRuns runs = new StageRuns(dir.resolve("runs"));

        Runner.Outcome failed = runs.run(spec, plan(spec, new TrainStage(List.of(), TrainStageNanTest::nanAtUpdate3)),
                new Cancellation());
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals(1, failed.exitCode());
        RunDir run = runs.store.find(failed.runId());
        assertTrue(failed.error().contains("the loss is NaN") && failed.error().contains("update 3")
                && failed.error().contains("the last good checkpoint is " + run.checkpoints().resolve("2")),
                failed.error());
        assertTrue(Files.exists(weights(run, 2)));
        assertFalse(Files.exists(run.checkpoints().resolve("3")), "nothing of the NaN update is kept");

        Runner.Outcome resumed = runs.resume(failed.runId(), spec, plan(spec, new TrainStage(List.of())));
        assertEquals(RunStatus.FINISHED, resumed.status(), resumed.error());
        Runner.Outcome straight = runs.run(spec, plan(spec, new TrainStage(List.of())), new Cancellation());
        assertEquals(RunStatus.FINISHED, straight.status(), straight.error());
        assertArrayEquals(Files.readAllBytes(weights(runs.store.find(straight.runId()), 4)),
                Files.readAllBytes(weights(run, 4)), "resumed from checkpoint 2, the run ends where an unfailed one does");
    }
}
