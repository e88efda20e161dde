package org.coverlab.diffusion;

import org.coverlab.spec.SampleSpec;

/** Makes the scheduler a sample spec names from a model's scheduler config, as {@code XScheduler.from_config}. */
public final class Schedulers {

    private Schedulers() {
    }

    /** DDPM sampling draws its noise from {@link TorchRandom#stream(long)} seeded with {@code noiseSeed}. */
    public static Scheduler create(SampleSpec.Scheduler kind, SchedulerConfig config, long noiseSeed) {
        return switch (kind) {
            case DDIM -> new DdimScheduler(config);
            case PNDM -> new PndmScheduler(config);
            case EULER -> new EulerDiscreteScheduler(config);
            case DDPM -> new DdpmScheduler(config, TorchRandom.stream(noiseSeed));
        };
    }

    public static Scheduler create(SampleSpec.Scheduler kind, SchedulerConfig config) {
        return create(kind, config, 0);
    }
}
