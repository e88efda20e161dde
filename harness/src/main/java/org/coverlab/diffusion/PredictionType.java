package org.coverlab.diffusion;

/** What the denoising model predicts (diffusers' {@code prediction_type}). */
public enum PredictionType {
    /** The added noise. */
    EPSILON("epsilon"),
    /** The velocity v = sqrt(alpha_bar) * noise - sqrt(1 - alpha_bar) * x0 (Salimans and Ho). */
    V_PREDICTION("v_prediction"),
    /** The clean sample x0. */
    SAMPLE("sample");

    private final String key;

    PredictionType(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
