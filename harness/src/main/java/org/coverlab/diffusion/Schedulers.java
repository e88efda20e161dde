package org.coverlab.diffusion;

/** Makes the scheduler a {@link SchedulerKind} names from a model's scheduler config, as {@code XScheduler.from_config}. */
public final class Schedulers {

    private Schedulers() {
    }

    /** DDPM sampling draws its noise from {@link TorchRandom#stream(long)} seeded with {@code noiseSeed}. */
    public static Scheduler create(SchedulerKind kind, SchedulerConfig config, long noiseSeed) {
        return switch (kind) {
            case DDIM -> new DdimScheduler(config);
            case PNDM -> new PndmScheduler(config);
            case EULER -> new EulerDiscreteScheduler(config);
            case DDPM -> new DdpmScheduler(config, TorchRandom.stream(noiseSeed));
        };
    }

    public static Scheduler create(SchedulerKind kind, SchedulerConfig config) {
        return create(kind, config, 0);
    }
}
