package org.coverlab.diffusion;

/** DDPM's posterior variance in sampling (diffusers' {@code variance_type}); learned variances are not supported. */
public enum VarianceType {
    /** beta_tilde_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) * beta_t, the DDPM paper's lower bound. */
    FIXED_SMALL("fixed_small"),
    /** Same as fixed_small, computed through its logarithm. */
    FIXED_SMALL_LOG("fixed_small_log"),
    /** beta_t, the upper bound. */
    FIXED_LARGE("fixed_large");

    private final String key;

    VarianceType(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
