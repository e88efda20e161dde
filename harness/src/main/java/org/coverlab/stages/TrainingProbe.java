package org.coverlab.stages;

/**
 * Work the train stage runs at an evaluation point on the model as it is there (EMA weights when EMA is on): the
 * sample stage draws a fixed-latent grid, the evaluate stage computes metrics. Train knows neither, only this.
 * A probe must be resumable: called again for the same point after a kill, it continues from the files it already
 * wrote and produces byte-identical results.
 */
public interface TrainingProbe {
    /** "sample" or "evaluate". */
    String name();

    /** Whether this probe runs at the point (from sample.every / eval.every: never, end, epoch, checkpoint). */
    boolean runsAt(org.coverlab.spec.ExperimentSpec spec, ProbePoint point);

    /**
     * Cheap checks of what the probe will need when the spec enables it (an extractor's weights), run before a run
     * exists by the stage that calls the probe; throws a {@link org.coverlab.util.BadInputException}. None by default.
     */
    default void checkInputs(org.coverlab.spec.ExperimentSpec spec, org.coverlab.run.RunSettings settings) {
    }

    void run(org.coverlab.run.StageContext ctx, org.coverlab.model.pipeline.TextToImagePipeline model,
             ModelProvenance provenance, ProbePoint point) throws Exception;

    /** One point per optimizer step at most; kinds says why it is a point (a step can be several). */
    record ProbePoint(java.util.Set<Kind> kinds, long epoch, long step, String label) {
        public enum Kind { BEFORE_TRAINING, CHECKPOINT, EPOCH_END, END }
    }
}
