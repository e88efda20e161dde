package org.coverlab.training;

import org.coverlab.model.io.TensorEntry;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * An optimizer over {@link TrainedParams}, one parameter at a time: {@link #beginStep} once per update, then
 * {@link #update} for every parameter in order. The update reads and writes through buffers that, in training, are
 * views of libtorch's own parameter and gradient memory (nothing is copied; see {@link TrainedParams#beginUpdate}).
 * Its whole state (moments, quantisation state, step count) round-trips through {@link #state()} and
 * {@link #restore}, so a resumed run continues bit-identically.
 */
public interface Optimizer {

    /** Starts optimizer update number {@link #steps()} + 1 at learning rate {@code lr}. */
    void beginStep(double lr);

    /**
     * Updates parameter {@code index} (named {@code name}) in place from its final (scaled, clipped) gradient; reads
     * and writes by absolute index, leaving the buffers' positions alone.
     */
    void update(int index, String name, FloatBuffer values, FloatBuffer gradient);

    /** The same on Java arrays. */
    default void update(int index, String name, float[] values, float[] gradient) {
        update(index, name, FloatBuffer.wrap(values), FloatBuffer.wrap(gradient));
    }

    /** Updates completed (torch's {@code state['step']}). */
    long steps();

    /** Every state tensor, named {@code <param>.<slot>}, plus {@code metadata()} (step count and settings). */
    List<TensorEntry> state();

    Map<String, String> metadata();

    /** Restores what {@link #state()} and {@link #metadata()} gave, refusing a state of other settings or shapes. */
    void restore(Map<String, TensorEntry> tensors, Map<String, String> metadata);

    /** Bytes the state occupies (moments, quantisation maps and block maxima), for the memory comparison. */
    long stateBytes();
}
