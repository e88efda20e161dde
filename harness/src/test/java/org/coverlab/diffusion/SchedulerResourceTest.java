package org.coverlab.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Steps keep only their result: temporaries are freed, and the model output and sample are left open. */
class SchedulerResourceTest {

    /** Arrays still open in {@code manager} (DJL's managed resources, children managers included). */
    private static int openArrays(NDManager manager) {
        return manager.getManagedArrays().size();
    }

    /** The conformance tests' fake denoiser, freeing its own temporaries so that only scheduler leaks show. */
    private static NDArray closingDenoiser(NDArray in, float t, NDArray bias) {
        NDManager home = in.getManager();
        try (NDManager scope = home.newSubManager()) {
            in.tempAttach(scope);
            bias.tempAttach(scope);
            NDArray out = SchedulerConformanceTest.denoiser(in, t, bias);
            out.attach(home);
            return out;
        }
    }

    @Test
    void aSamplingLoopHoldsOnlyTheCurrentSample() {
        for (SchedulerKind kind : SchedulerKind.values()) {
            try (NDManager m = NDManager.newBaseManager();
                 Scheduler s = Schedulers.create(kind, SchedulerConfig.SD15, 3)) {
                s.setTimesteps(12);
                NDArray bias = m.ones(new Shape(1, 4, 8, 8)).mul(0.1f);
                NDArray x = TorchRandom.randn(m, 0, new Shape(1, 4, 8, 8)).mul(s.initNoiseSigma());
                java.util.List<Integer> open = new java.util.ArrayList<>();
                for (float t : s.timesteps()) {
                    NDArray in = s.scaleModelInput(x, t);
                    NDArray out = closingDenoiser(in, t, bias);
                    NDArray next = s.step(out, t, x);
                    assertTrue(!out.isReleased() && !x.isReleased(), kind + ": inputs must stay open");
                    in.close();
                    out.close();
                    x.close();
                    x = next;
                    open.add(openArrays(m));
                }
                // PNDM keeps up to four past outputs, so counts settle after its warm-up; then nothing may grow.
                for (int i = 5; i < open.size(); i++) {
                    assertEquals(open.get(4), open.get(i), kind + ": open arrays per step " + open);
                }
                assertTrue(open.stream().mapToInt(Integer::intValue).max().orElse(0) <= open.get(0) + 4,
                        kind + ": open arrays per step " + open);
                assertTrue(Float.isFinite(x.abs().max().getFloat()), kind + " result is finite");
            }
        }
    }

    /** Runs a whole loop and returns the final sample's values. */
    private static float[] run(Scheduler s, NDManager m, int steps) {
        s.setTimesteps(steps);
        NDArray bias = m.ones(new Shape(1, 4, 8, 8)).mul(0.1f);
        NDArray x = TorchRandom.randn(m, 5, new Shape(1, 4, 8, 8)).mul(s.initNoiseSigma());
        for (float t : s.timesteps()) {
            x = s.step(closingDenoiser(s.scaleModelInput(x, t), t, bias), t, x);
        }
        return x.toFloatArray();
    }

    @Test
    void setTimestepsStartsAFreshRunSoASchedulerCanBeReused() {
        for (SchedulerKind kind : SchedulerKind.values()) {
            try (NDManager m = NDManager.newBaseManager();
                 Scheduler reused = Schedulers.create(kind, SchedulerConfig.SD15, 3);
                 Scheduler fresh = Schedulers.create(kind, SchedulerConfig.SD15, 3)) {
                run(reused, m, 7);
                float[] second = run(reused, m, 9);
                org.junit.jupiter.api.Assertions.assertArrayEquals(run(fresh, m, 9), second, 0f, kind.key());
            }
        }
    }

    @Test
    void guidanceMovesAwayFromTheUnconditionalPrediction() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray uncond = m.create(new float[] {1f, 2f});
            NDArray cond = m.create(new float[] {2f, 0f});
            ClassifierFreeGuidance g = new ClassifierFreeGuidance(7.5f);
            assertTrue(g.enabled());
            float[] guided = g.combine(uncond, cond).toFloatArray();
            assertEquals(1f + 7.5f * (2f - 1f), guided[0], 1e-6);
            assertEquals(2f + 7.5f * (0f - 2f), guided[1], 1e-6);
            NDArray batched = m.create(new float[] {1f, 2f, 2f, 0f}, new Shape(2, 2));
            float[] fromBatch = g.combineBatched(batched).toFloatArray();
            assertEquals(guided[0], fromBatch[0], 1e-6);
            assertEquals(guided[1], fromBatch[1], 1e-6);
            assertEquals(new Shape(4, 2), ClassifierFreeGuidance.doubleBatch(batched).getShape());
            assertTrue(!new ClassifierFreeGuidance(1f).enabled());
        }
    }
}
