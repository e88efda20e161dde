package org.coverlab.diffusion;

import static org.coverlab.diffusion.ReferenceVectors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Training-side quantities of DDPMScheduler against diffusers, for scaled_linear, linear, cosine and zero-SNR. */
class DdpmTrainingConformanceTest {

    private static ReferenceVectors ref;

    @BeforeAll
    static void load() {
        ref = new ReferenceVectors();
    }

    @AfterAll
    static void close() {
        ref.close();
    }

    private static DdpmScheduler scheduler(String name) {
        for (JsonNode c : ref.cases.get("training")) {
            if (c.get("name").textValue().equals(name)) {
                return new DdpmScheduler(SchedulerConfig.parse(c.get("config").toString(), name));
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static void assertRelativelyClose(float[] expected, float[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.max(1e-6, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "linear", "cosine", "vpred_zero_snr"})
    void betaScheduleAndAlphaCumprodMatchDiffusers(String name) {
        // Absolute 1e-6, not bit equality: torch's vectorised float32 sqrt is off by one ulp for ~0.5% of inputs,
        // and the zero-SNR rescale's 1 - bar_t / bar_{t-1} amplifies that to ~2e-7 in a few betas.
        NoiseSchedule schedule = scheduler(name).schedule();
        float[] expectedBetas = ref.get("train." + name + ".betas").toFloatArray();
        float[] betas = schedule.betas();
        for (int i = 0; i < expectedBetas.length; i++) {
            assertEquals(expectedBetas[i], betas[i], 1e-6, "betas[" + i + "]");
        }
        float[] expected = ref.get("train." + name + ".alphas_cumprod").toFloatArray();
        float[] actual = schedule.alphasCumprod();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, "alphas_cumprod[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "linear", "cosine", "vpred_zero_snr"})
    void addNoiseMatchesDiffusersPerSampleTimestep(String name) {
        try (NDManager m = ref.manager.newSubManager()) {
            NDArray noisy = scheduler(name).addNoise(ref.get("train.x0"), ref.get("train.noise"),
                    ref.get("train.timesteps"));
            noisy.attach(m);
            assertClose(ref.get("train." + name + ".noisy"), noisy, name + " add_noise");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "linear", "cosine", "vpred_zero_snr"})
    void velocityTargetMatchesDiffusers(String name) {
        try (NDManager m = ref.manager.newSubManager()) {
            DdpmScheduler s = scheduler(name);
            NDArray v = s.getVelocity(ref.get("train.x0"), ref.get("train.noise"), ref.get("train.timesteps"));
            v.attach(m);
            assertClose(ref.get("train." + name + ".velocity"), v, name + " get_velocity");
            NDArray target = s.trainingTarget(ref.get("train.x0"), ref.get("train.noise"), ref.get("train.timesteps"));
            target.attach(m);
            NDArray expected = s.config().predictionType() == PredictionType.V_PREDICTION
                    ? ref.get("train." + name + ".velocity") : ref.get("train.noise");
            assertClose(expected, target, name + " training target");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "linear", "cosine", "vpred_zero_snr"})
    void snrPerTimestepMatchesDiffusersComputeSnr(String name) {
        try (NDManager m = ref.manager.newSubManager()) {
            NDArray all = m.arange(0, 1000).toType(ai.djl.ndarray.types.DataType.INT64, false);
            NDArray snr = scheduler(name).snr(all);
            assertEquals(new Shape(1000), snr.getShape());
            assertRelativelyClose(ref.get("train." + name + ".snr").toFloatArray(), snr.toFloatArray(), 1e-4, "snr");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd15", "linear", "cosine", "vpred_zero_snr"})
    void minSnrGammaLossWeightsMatchDiffusersTrainingScript(String name) {
        try (NDManager m = ref.manager.newSubManager()) {
            NDArray all = m.arange(0, 1000).toType(ai.djl.ndarray.types.DataType.INT64, false);
            NDArray weights = scheduler(name).minSnrLossWeights(all, 5f);
            assertClose(ref.get("train." + name + ".min_snr_weights"), weights, name + " min-SNR weights");
        }
    }
}
