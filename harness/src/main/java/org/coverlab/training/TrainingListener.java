package org.coverlab.training;

/**
 * Hooks into the {@link Trainer} loop, after DJL's {@code TrainingListener}: the train stage adds metrics,
 * progress, checkpoints and evaluation points as listeners, so the loop knows none of them. Every method has an
 * empty default; listeners run in the order they were given, on the training thread.
 */
public interface TrainingListener {

    /** Before each micro-batch (a place to check for cancellation). */
    default void onMicroBatch(Trainer trainer, TrainingState state) throws Exception {
    }

    /** After optimizer update {@code update.step()}, with that update's figures. */
    default void onUpdate(Trainer trainer, TrainingState state, UpdateResult update) throws Exception {
    }

    /** After the last update of an epoch; {@code state.epoch()} is already the next epoch. */
    default void onEpochEnd(Trainer trainer, TrainingState state) throws Exception {
    }

    /** Once, after the last epoch. */
    default void onTrainingEnd(Trainer trainer, TrainingState state) throws Exception {
    }
}
