package org.coverlab.model.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.coverlab.model.io.TensorDType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupNormTest {

    /**
     * The fused route (layer_norm on a group view) gives torch.nn.GroupNorm's definition, forward and all three
     * gradients, also off the defaults: 4 groups, batch 2, a non-square map, a large eps, non-trivial affine.
     */
    @Test
    void fusedGroupNormMatchesTheDefinitionForwardAndBackward() {
        try (NDManager m = NDManager.newBaseManager(); ParamStore store = new ParamStore(m)) {
            GroupNorm norm = new GroupNorm(store.root().child("gn"), 4, 12, 1e-2f);
            store.get("gn.weight").set(m.randomNormal(new Shape(12)), TensorDType.F32, "gn.weight");
            store.get("gn.bias").set(m.randomNormal(new Shape(12)), TensorDType.F32, "gn.bias");
            store.setTrainable(true);
            NDArray x = m.randomNormal(new Shape(2, 12, 5, 3)).mul(3f).add(1f);
            NDArray w = store.get("gn.weight").value();
            NDArray b = store.get("gn.bias").value();

            float[][] fused = run(x, w, b, () -> norm.forward(x));
            float[][] reference = run(x, w, b, () -> definition(x, w, b, 4, 1e-2f));

            String[] what = {"output", "input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < what.length; i++) {
                assertArrayEquals(reference[i], fused[i], 1e-4f, what[i]);
            }
            assertTrue(reference[2][0] != 0f, "the weight gradient is not trivially zero");
        }
    }

    /** Runs {@code f} with gradients of sum(y * sin(y)) and returns y, dx, dw, db. */
    private static float[][] run(NDArray x, NDArray w, NDArray b, java.util.function.Supplier<NDArray> f) {
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = f.get();
            gc.backward(y.mul(y.sin()).sum());
            float[][] out = {y.toFloatArray(), x.getGradient().toFloatArray(), w.getGradient().toFloatArray(),
                    b.getGradient().toFloatArray()};
            for (NDArray p : new NDArray[] {x, w, b}) {
                p.getGradient().subi(p.getGradient());
            }
            return out;
        }
    }

    /** (x - mean) / sqrt(var + eps) per (sample, group), biased variance, then the per-channel affine. */
    private static NDArray definition(NDArray x, NDArray w, NDArray b, int groups, float eps) {
        Shape s = x.getShape();
        NDArray g = x.reshape(s.get(0), groups, -1);
        NDArray centered = g.sub(g.mean(new int[] {2}, true));
        NDArray var = centered.square().mean(new int[] {2}, true);
        NDArray normed = centered.div(var.add(eps).sqrt()).reshape(s);
        return normed.mul(w.reshape(1, -1, 1, 1)).add(b.reshape(1, -1, 1, 1));
    }
}
