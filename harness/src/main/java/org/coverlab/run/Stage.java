package org.coverlab.run;

import java.util.Optional;
import org.coverlab.spec.ExperimentSpec;

/**
 * One step of the pipeline (prepare_data, train, sample, evaluate, report). A stage reports through
 * {@link StageContext#tracker()}, saves progress with {@link StageContext#checkpoint}, and on resume continues from
 * {@link StageContext#resumeFrom()}: the contract is that running from a checkpoint yields the same journal as an
 * uninterrupted run, because the runner cuts the journal back to the checkpoint's seq before calling {@link #run}.
 */
public interface Stage {

    /** Stable snake_case name used in state.json, logs and {@code --stages}. */
    String name();

    /**
     * Why the spec needs this stage, as a clause that completes "the spec needs it because ..." (e.g. "sample.every
     * is end (set sample.every: never to skip sample grids)"), or empty when it does not. The one answer used both to
     * plan the default pipeline and to refuse a {@code --stages} selection the spec does not need.
     */
    Optional<String> neededBecause(ExperimentSpec spec);

    /**
     * Cheap checks of the files this stage will read (a model's safetensors headers, a CSV's header), run before a run
     * folder is created so that bad input is refused with exit 2 and no run. Throws a
     * {@link org.coverlab.util.BadInputException} naming the file and the problem; does nothing by default.
     */
    default void checkInputs(ExperimentSpec spec, RunSettings settings) {
    }

    /**
     * Options of the spec that this build or machine cannot honour (a GPU without CUDA natives), refused before a run
     * folder is created, even by {@code spec check --no-file-checks}: throws a
     * {@link org.coverlab.util.BadInputException} with the reason; does nothing by default.
     */
    default void checkOptions(ExperimentSpec spec) {
    }

    /** Runs the stage to completion; throws to fail the run. Call {@link StageContext#checkCancelled()} between steps. */
    void run(StageContext ctx) throws Exception;

    /**
     * Folder name of a checkpoint saved at a step. Stages that own the optimizer-step axis (training) use the bare
     * step; others are prefixed so their checkpoints never collide with training's.
     */
    default String checkpointName(long step) {
        return name() + "-" + step;
    }
}
