package org.coverlab.spec;

import java.util.List;

/** Fixed-latent grids: the same prompts and the same initial noise at every checkpoint and in every experiment. */
public record SampleSpec(
        @Doc("Prompts of the grid rows") List<String> prompts,
        @Doc("Seeds of the grid columns; seed s gives torch.manual_seed(s); torch.randn(latent shape)") @Range(min = 0, max = 2147483647) List<Long> seeds,
        @Doc("Denoising steps") @Range(min = 1, max = 1000) int steps,
        @Doc("Classifier-free guidance scale (1 = no guidance)") @Range(min = 1.0, max = 50.0) double guidanceScale,
        @Doc("ddim, pndm, euler or ddpm") Scheduler scheduler,
        @Doc("When grids are drawn: never, end, epoch or checkpoint (always also before training)") When every) {

    public static final SampleSpec DEFAULT = new SampleSpec(
            List.of("A book cover with author Jane Austen, book title Pride and Prejudice"),
            List.of(42L), 50, 7.5, Scheduler.DDIM, When.END);

    public enum Scheduler implements SpecEnum {
        DDIM, PNDM, EULER, DDPM;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum When implements SpecEnum {
        NEVER, END, EPOCH, CHECKPOINT;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }
}
