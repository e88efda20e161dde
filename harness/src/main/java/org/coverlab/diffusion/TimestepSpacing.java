package org.coverlab.diffusion;

/** How the inference timesteps are picked from the training ones (diffusers' {@code timestep_spacing}). */
public enum TimestepSpacing {
    /** Multiples of floor(N / n), plus steps_offset: 0, 50, ... 950 (+1 for SD1.5). Never reaches the last step. */
    LEADING("leading"),
    /** Rounded from N down in steps of N / n, minus one: 999, 949, ... 49. Starts at the noisiest step. */
    TRAILING("trailing"),
    /** n evenly spaced values from 0 to N - 1 (rounded to integers except for Euler). */
    LINSPACE("linspace");

    private final String key;

    TimestepSpacing(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
