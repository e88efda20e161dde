package org.coverlab.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerConfigTest {

    private static final String SD15_JSON = """
            {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
             "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null,
             "clip_sample": false}""";

    private static String error(String json) {
        return assertThrows(SchedulerConfigException.class, () -> SchedulerConfig.parse(json, "scheduler_config.json"))
                .getMessage();
    }

    @Test
    void sd15SchedulerConfigFileReadsAsTheSd15Constant(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scheduler_config.json");
        Files.writeString(file, SD15_JSON);
        assertEquals(SchedulerConfig.SD15, SchedulerConfig.read(file));
    }

    @Test
    void absentKeysKeepEachSchedulersOwnDefaultLikeFromConfig() {
        SchedulerConfig c = SchedulerConfig.parse("{}", "empty");
        assertEquals(SchedulerConfig.DIFFUSERS_DEFAULTS, c);
        assertEquals(Optional.empty(), c.timestepSpacing());
        // Same config, different class defaults: Euler spaces linearly, DDIM leads; DDIM's final alpha is 1.
        EulerDiscreteScheduler euler = new EulerDiscreteScheduler(SchedulerConfig.SD15);
        euler.setTimesteps(10);
        assertEquals(999f, euler.timesteps()[0]);
        DdimScheduler ddim = new DdimScheduler(SchedulerConfig.SD15);
        ddim.setTimesteps(10);
        assertEquals(901f, ddim.timesteps()[0]);
    }

    @Test
    void wrongTypesAndValuesNameTheKeyAndTheExpectation() {
        String m = error("{\"beta_schedule\": \"cosine\"}");
        assertTrue(m.startsWith("scheduler_config.json: key 'beta_schedule' must be one of [linear, scaled_linear, "
                + "squaredcos_cap_v2]"), m);
        m = error("{\"num_train_timesteps\": \"1000\"}");
        assertTrue(m.contains("'num_train_timesteps' must be an integer"), m);
        m = error("{\"clip_sample\": 1}");
        assertTrue(m.contains("'clip_sample' must be true or false"), m);
        m = error("{\"trained_betas\": [0.1, 0.2]}");
        assertTrue(m.contains("trained_betas has 2 values but num_train_timesteps is 1000"), m);
        m = error("{\"beta_start\": 0}");
        assertTrue(m.contains("beta_start and beta_end must lie in (0, 1)"), m);
        m = error("[1, 2]");
        assertTrue(m.contains("expected a JSON object"), m);
        m = error("{\"beta_start\": ");
        assertTrue(m.contains("not valid JSON"), m);
    }

    @Test
    void unsupportedOptionsAreRefusedRatherThanIgnored() {
        assertTrue(error("{\"use_karras_sigmas\": true}").contains("'use_karras_sigmas' is not supported"));
        assertTrue(error("{\"thresholding\": true}").contains("'thresholding' is not supported"));
        assertTrue(error("{\"variance_type\": \"learned_range\"}").contains("'variance_type' must be one of"));
        assertTrue(error("{\"timestep_type\": \"continuous\"}").contains("'timestep_type' is not supported"));
        // Explicitly disabled options are fine.
        SchedulerConfig.parse("{\"use_karras_sigmas\": false, \"thresholding\": false}", "ok");
    }

    @Test
    void inferenceStepCountOutsideTheTrainingRangeIsRejected() {
        DdimScheduler ddim = new DdimScheduler(SchedulerConfig.SD15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ddim.setTimesteps(0));
        assertTrue(e.getMessage().contains("1..1000"), e.getMessage());
        PndmScheduler prk = new PndmScheduler(SchedulerConfig.SD15.withTimestepSpacing(TimestepSpacing.LEADING));
        prk.setTimesteps(2); // skip_prk_steps: any count works
        assertEquals(3, prk.timesteps().length);
    }
}
