package org.coverlab.stages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.coverlab.run.Stage;
import org.coverlab.run.StagePlanException;
import org.coverlab.spec.EvalSpec;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.spec.TrainSpec;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private static ExperimentSpec training(int epochs) {
        ExperimentSpec d = ExperimentSpec.DEFAULT;
        TrainSpec t = d.train();
        TrainSpec train = t.withComponents(List.of(TrainSpec.Component.UNET), epochs);
        return new ExperimentSpec(d.name(), d.description(), d.seed(), d.model(), d.dataset(), train, d.sample(), d.eval(), d.tracking());
    }

    private static ExperimentSpec nothingToDo() {
        return samplingOnly(SampleSpec.When.NEVER);
    }

    private static ExperimentSpec samplingOnly(SampleSpec.When every) {
        ExperimentSpec d = ExperimentSpec.DEFAULT;
        SampleSpec s = d.sample();
        EvalSpec e = d.eval();
        return new ExperimentSpec(d.name(), d.description(), d.seed(), d.model(), d.dataset(), d.train(),
                new SampleSpec(s.prompts(), s.seeds(), s.steps(), s.guidanceScale(), s.scheduler(), every),
                new EvalSpec(List.of(), e.referenceStats(), e.images(), e.steps(), e.batchSize(), e.every(), e.extractor(), e.inceptionWeights()), d.tracking());
    }

    @Test
    void aSyntheticSamplingSpecPlansPrepareDataThenSample() throws Exception {
        ExperimentSpec spec = samplingOnly(SampleSpec.When.END);
        assertEquals(List.of("prepare_data", "sample"), Pipeline.standard().plan(spec, List.of()).stream().map(Stage::name).toList(),
                "a synthetic set backs a sampling-only run, so prepare_data plans with sample");
    }

    @Test
    void aSelectedStageTheSpecDoesNotNeedIsRefusedNamingIt() {
        StagePlanException e = assertThrows(StagePlanException.class,
                () -> Pipeline.standard().plan(nothingToDo(), List.of("sample")));
        assertEquals(StagePlanException.Kind.BAD_SELECTION, e.kind());
        assertEquals(List.of("stage 'sample' was selected with --stages but does not apply to this spec"), e.problems());
    }

    @Test
    void aTrainingSpecPlansTheTrainStageWithItsReason() throws Exception {
        assertEquals(List.of("prepare_data", "train"), Pipeline.standard().plan(training(8),
                List.of("prepare_data", "train")).stream().map(Stage::name).toList());
        assertEquals("train.epochs is 8 and train.components is [unet] (set train.epochs: 0 to skip training)",
                new org.coverlab.stages.train.TrainStage(List.of()).neededBecause(training(8)).orElseThrow());
    }

    @Test
    void theTestStageRunsOnlyWhenSelected() throws Exception {
        assertEquals(List.of("test"), Pipeline.standard().plan(training(8), List.of("test")).stream().map(Stage::name).toList());
        StagePlanException none = assertThrows(StagePlanException.class, () -> Pipeline.standard().plan(nothingToDo(), List.of()));
        assertEquals(StagePlanException.Kind.BAD_SELECTION, none.kind());
    }

    @Test
    void unknownSelectedStagesAreBadInput() {
        StagePlanException e = assertThrows(StagePlanException.class,
                () -> Pipeline.standard().plan(nothingToDo(), List.of("tset")));
        assertEquals(StagePlanException.Kind.BAD_SELECTION, e.kind());
        assertTrue(e.getMessage().contains("unknown stage 'tset' in --stages; known stages: prepare_data, test, train"), e.getMessage());
    }

    @Test
    void aSelectedButUnbuiltStageIsUnavailable() {
        StagePlanException e = assertThrows(StagePlanException.class,
                () -> Pipeline.standard().without("evaluate").plan(nothingToDo(), List.of("test", "evaluate")));
        assertEquals(StagePlanException.Kind.UNAVAILABLE, e.kind());
        assertEquals(List.of("stage 'evaluate' is not available in this build: it was selected with --stages"), e.problems());
    }
}
