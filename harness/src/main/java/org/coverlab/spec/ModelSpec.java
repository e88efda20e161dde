package org.coverlab.spec;

/** Which Stable Diffusion to start from. */
public record ModelSpec(
        @Doc("'tiny' for the embedded default model, or a path to a diffusers-format Stable Diffusion folder") String base,
        @Doc("Number of final CLIP layers to skip for the prompt (0 = use the last hidden state); the unconditional prompt always uses the last, as in diffusers") @Range(min = 0, max = 11) int clipSkip) {

    public static final ModelSpec DEFAULT = new ModelSpec("tiny", 0);

    public boolean isTiny() {
        return "tiny".equals(base);
    }
}
