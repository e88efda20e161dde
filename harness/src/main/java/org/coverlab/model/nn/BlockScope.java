package org.coverlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs one network block in a sub-manager so its intermediates are released as soon as the block returns, not at
 * the end of the whole step; the block's output (and any arrays it adds to {@code kept}) move to the caller's
 * manager. Safe under autograd: closing a handle only drops DJL's reference, tensors the graph saved live on.
 */
public final class BlockScope {
    private BlockScope() {
    }

    public static NDArray run(NDArray input, List<NDArray> kept, UnaryOperator<NDArray> block) {
        NDManager parent = input.getManager();
        int before = kept == null ? 0 : kept.size();
        try (NDManager scope = parent.newSubManager()) {
            input.tempAttach(scope);
            NDArray out = block.apply(input);
            out.attach(parent);
            if (kept != null) {
                for (int i = before; i < kept.size(); i++) {
                    kept.get(i).attach(parent);
                }
            }
            return out;
        }
    }
}
