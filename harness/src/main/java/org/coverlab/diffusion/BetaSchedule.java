package org.coverlab.diffusion;

/** How the per-timestep noise variances beta_t are laid out (diffusers' {@code beta_schedule}). */
public enum BetaSchedule {
    /** beta linear from beta_start to beta_end. */
    LINEAR("linear"),
    /** sqrt(beta) linear from sqrt(beta_start) to sqrt(beta_end); Stable Diffusion's schedule. */
    SCALED_LINEAR("scaled_linear"),
    /** Nichol and Dhariwal's cosine schedule, betas capped at 0.999. */
    SQUAREDCOS_CAP_V2("squaredcos_cap_v2");

    private final String key;

    BetaSchedule(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
