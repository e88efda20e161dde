package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Keeps one step's temporaries in a sub-manager: the inputs are attached to it for the duration (so every
 * intermediate result lands there too), the kept result moves to the target manager, and closing returns the inputs
 * to their own managers and frees everything else.
 */
final class StepScope implements AutoCloseable {

    private final NDManager target;
    private final NDManager scope;

    private StepScope(NDManager target, List<NDArray> inputs) {
        this.target = target;
        this.scope = target.newSubManager();
        IdentityHashMap<NDArray, Boolean> seen = new IdentityHashMap<>();
        for (NDArray in : inputs) {
            if (in != null && seen.put(in, Boolean.TRUE) == null) in.tempAttach(scope);
        }
    }

    /** Scope whose results go to {@code target}'s manager. */
    static StepScope into(NDArray target, NDArray... inputs) {
        List<NDArray> all = new ArrayList<>(Arrays.asList(inputs));
        all.add(target);
        return new StepScope(target.getManager(), all);
    }

    static StepScope into(NDManager target, List<NDArray> inputs) {
        return new StepScope(target, inputs);
    }

    NDManager manager() {
        return scope;
    }

    NDArray keep(NDArray result) {
        result.attach(target);
        return result;
    }

    @Override
    public void close() {
        scope.close();
    }
}
