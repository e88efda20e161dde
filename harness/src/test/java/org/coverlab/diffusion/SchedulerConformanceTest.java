package org.coverlab.diffusion;

import static org.coverlab.diffusion.ReferenceVectors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Full sampling trajectories against diffusers: from the same start latents, with the same fake denoiser
 * {@code 0.1 * x * cos(t / 100) + 0.9 * bias} evaluated on the scaled model input, every intermediate sample must
 * match to 1e-4 (max abs), and the timesteps, sigmas and init_noise_sigma must match.
 */
class SchedulerConformanceTest {

    private static ReferenceVectors ref;

    @BeforeAll
    static void load() {
        ref = new ReferenceVectors();
    }

    @AfterAll
    static void close() {
        ref.close();
    }

    /** The fake denoiser, with the same operation order as the Python reference. */
    static NDArray denoiser(NDArray input, float t, NDArray bias) {
        float c = (float) Math.cos((double) t / 100.0);
        return input.mul(0.1f).mul(c).add(bias.mul(0.9f));
    }

    private void checkTrajectory(String name, Function<SchedulerConfig, Scheduler> make) {
        JsonNode c = ref.trajectory(name);
        SchedulerConfig config = SchedulerConfig.parse(c.get("config").toString(), name + " config");
        try (NDManager m = ref.manager.newSubManager(); Scheduler s = make.apply(config)) {
            int steps = c.get("steps").intValue();
            s.setTimesteps(steps);
            float[] expectedT = new float[c.get("timesteps").size()];
            for (int i = 0; i < expectedT.length; i++) expectedT[i] = c.get("timesteps").get(i).floatValue();
            assertArrayEquals(expectedT, s.timesteps(), 0f, name + " timesteps");
            assertEquals(c.get("init_noise_sigma").doubleValue(), s.initNoiseSigma(),
                    1e-6 * Math.max(1, c.get("init_noise_sigma").doubleValue()), name + " init_noise_sigma");
            if (s instanceof EulerDiscreteScheduler euler) {
                float[] sigmas = euler.sigmas();
                for (int i = 0; i < sigmas.length; i++) {
                    assertEquals(c.get("sigmas").get(i).doubleValue(), sigmas[i], 1e-4, name + " sigma " + i);
                }
            }
            NDArray bias = ref.get("bias");
            NDArray x = ref.get("x_T").mul(s.initNoiseSigma());
            x.attach(m);
            assertClose(ref.get(name + ".start"), x, name + " start");
            NDArray samples = ref.get(name + ".samples");
            float[] ts = s.timesteps();
            double worst = 0;
            for (int i = 0; i < ts.length; i++) {
                NDArray in = s.scaleModelInput(x, ts[i]);
                if (s instanceof EulerDiscreteScheduler) {
                    assertClose(ref.get(name + ".inputs").get(i).expandDims(0), in, name + " model input " + i);
                }
                NDArray out = denoiser(in, ts[i], bias);
                NDArray next = s instanceof DdpmScheduler ddpm
                        ? ddpm.step(out, ts[i], x, ref.get(name + ".noise").get(i).expandDims(0))
                        : s.step(out, ts[i], x);
                assertClose(samples.get(i).expandDims(0), next, name + " step " + i + " (t=" + ts[i] + ")");
                worst = Math.max(worst, ReferenceVectors.maxAbsError(samples.get(i).expandDims(0), next));
                x = next;
            }
            System.out.printf("%s: %d steps, max abs error vs diffusers %.2e%n", name, ts.length, worst);
        }
    }

    @Test
    void pndmTrajectoryMatchesDiffusersWithSd15Config() {
        checkTrajectory("pndm_sd15", PndmScheduler::new);
    }

    @Test
    void pndmTrajectoryMatchesDiffusersForVPredictionTrailingZeroSnr() {
        checkTrajectory("pndm_vpred_trailing", PndmScheduler::new);
    }

    @Test
    void pndmWithRungeKuttaWarmupMatchesDiffusers() {
        checkTrajectory("pndm_prk", PndmScheduler::new);
    }

    @Test
    void ddimTrajectoryMatchesDiffusersWithSd15Config() {
        checkTrajectory("ddim_sd15", DdimScheduler::new);
    }

    @Test
    void ddimTrajectoryMatchesDiffusersForVPredictionTrailingZeroSnr() {
        checkTrajectory("ddim_vpred_trailing", DdimScheduler::new);
    }

    @Test
    void eulerTrajectoryMatchesDiffusersWithSd15Config() {
        checkTrajectory("euler_sd15", EulerDiscreteScheduler::new);
    }

    @Test
    void eulerTrajectoryMatchesDiffusersForVPredictionTrailingZeroSnr() {
        checkTrajectory("euler_vpred_trailing", EulerDiscreteScheduler::new);
    }

    @Test
    void eulerWithLeadingSpacingScalesInitialNoiseLikeDiffusers() {
        checkTrajectory("euler_leading", EulerDiscreteScheduler::new);
    }

    @Test
    void ddpmAncestralTrajectoryMatchesDiffusersGivenTheSameNoise() {
        checkTrajectory("ddpm_sd15", DdpmScheduler::new);
    }

    @Test
    void ddpmWithFixedLargeVarianceMatchesDiffusers() {
        checkTrajectory("ddpm_fixed_large", DdpmScheduler::new);
    }

    @Test
    void stochasticDdimWithEtaMatchesDiffusersGivenTheSameNoise() {
        NDArray noise = ref.get("ddim_eta.noise");
        NoiseSource recorded = new NoiseSource() {
            private int draw;

            @Override
            public NDArray next(NDManager manager, ai.djl.ndarray.types.Shape shape) {
                return manager.create(noise.get(draw++).toFloatArray(), shape);
            }
        };
        checkTrajectory("ddim_eta", config -> new DdimScheduler(config, 0.5f, recorded));
    }

    @Test
    void ddimWithCosineScheduleSamplePredictionAndLinspaceMatchesDiffusers() {
        checkTrajectory("ddim_cosine_sample_linspace", DdimScheduler::new);
    }

    @Test
    void pndmWithLinspaceSpacingMatchesDiffusers() {
        checkTrajectory("pndm_linspace", PndmScheduler::new);
    }

    @Test
    void eulerEndingAtSigmaMinMatchesDiffusers() {
        checkTrajectory("euler_sigma_min", EulerDiscreteScheduler::new);
    }

    @Test
    void ddpmClipsPredictedSampleLikeDiffusers() {
        checkTrajectory("ddpm_clipped", DdpmScheduler::new);
    }
}
