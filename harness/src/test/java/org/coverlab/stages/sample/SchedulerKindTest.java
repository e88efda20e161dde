package org.coverlab.stages.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.spec.SampleSpec;
import org.junit.jupiter.api.Test;

class SchedulerKindTest {

    @Test
    void everySpecSchedulerNamesTheSamplerWithTheSameKey() {
        for (SampleSpec.Scheduler s : SampleSpec.Scheduler.values()) {
            assertEquals(s.key(), GridSampler.schedulerKind(s).key());
        }
        assertEquals(SampleSpec.Scheduler.values().length, SchedulerKind.values().length,
                "a sampler the spec cannot name is unreachable from runs");
        assertEquals(SchedulerKind.EULER, SchedulerKind.fromKey("Euler").orElseThrow());
    }
}
