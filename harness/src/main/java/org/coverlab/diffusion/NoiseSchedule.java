package org.coverlab.diffusion;

/**
 * The training noise schedule of a config: beta_t, alpha_t = 1 - beta_t and alpha_bar_t = prod alpha, held in
 * float32 exactly as diffusers holds them (torch.float32 tensors), so derived coefficients match to float precision.
 * Immutable.
 */
public final class NoiseSchedule {

    private final float[] betas;
    private final float[] alphasCumprod;

    private NoiseSchedule(float[] betas, float[] alphasCumprod) {
        this.betas = betas;
        this.alphasCumprod = alphasCumprod;
    }

    public static NoiseSchedule of(SchedulerConfig config) {
        int n = config.numTrainTimesteps();
        float[] betas = new float[n];
        if (!config.trainedBetas().isEmpty()) {
            for (int i = 0; i < n; i++) betas[i] = config.trainedBetas().get(i).floatValue();
        } else {
            switch (config.betaSchedule()) {
                case LINEAR -> betas = linspace((float) config.betaStart(), (float) config.betaEnd(), n);
                case SCALED_LINEAR -> {
                    betas = linspace((float) Math.sqrt(config.betaStart()), (float) Math.sqrt(config.betaEnd()), n);
                    for (int i = 0; i < n; i++) betas[i] = betas[i] * betas[i];
                }
                case SQUAREDCOS_CAP_V2 -> {
                    for (int i = 0; i < n; i++) {
                        double t1 = (double) i / n;
                        double t2 = (double) (i + 1) / n;
                        betas[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
                    }
                }
            }
        }
        if (config.rescaleBetasZeroSnr()) betas = rescaleZeroTerminalSnr(betas);
        return new NoiseSchedule(betas, cumprod(betas));
    }

    private static double cosineAlphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /**
     * torch.linspace(start, end, n, dtype=float32): a float32 step, then from both ends towards the middle, each
     * value rounded once (torch's CPU kernel fuses the multiply-add; float * index is exact in double).
     */
    static float[] linspace(float start, float end, int n) {
        float[] out = new float[n];
        float step = (end - start) / (n - 1);
        int half = n / 2;
        for (int i = 0; i < n; i++) {
            out[i] = i < half ? (float) (start + (double) step * i) : (float) (end - (double) step * (n - i - 1));
        }
        return out;
    }

    /** cumprod of 1 - beta, accumulated in double and stored in float as torch's CPU cumprod does. */
    private static float[] cumprod(float[] betas) {
        float[] out = new float[betas.length];
        double acc = 1.0;
        for (int i = 0; i < betas.length; i++) {
            acc *= (float) (1.0f - betas[i]);
            out[i] = (float) acc;
        }
        return out;
    }

    /** Lin et al. 2023: shift and scale sqrt(alpha_bar) so the last step is pure noise, keeping the first. */
    private static float[] rescaleZeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] sqrtBar = cumprod(betas);
        for (int i = 0; i < n; i++) sqrtBar[i] = (float) Math.sqrt(sqrtBar[i]);
        float first = sqrtBar[0];
        float last = sqrtBar[n - 1];
        float scale = first / (first - last);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float s = (sqrtBar[i] - last) * scale;
            bar[i] = s * s;
        }
        float[] out = new float[n];
        out[0] = 1 - bar[0];
        for (int i = 1; i < n; i++) out[i] = 1 - bar[i] / bar[i - 1];
        return out;
    }

    public int size() {
        return betas.length;
    }

    public float beta(int t) {
        return betas[t];
    }

    /** alpha_bar_t, the fraction of signal variance left at training timestep t. */
    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    public float[] betas() {
        return betas.clone();
    }

    /** Signal-to-noise ratio alpha_bar_t / (1 - alpha_bar_t), as diffusers' training_utils.compute_snr. */
    public double snr(int t) {
        float sqrtAlpha = (float) Math.sqrt(alphasCumprod[t]);
        float sqrtOneMinus = (float) Math.sqrt(1.0f - alphasCumprod[t]);
        float ratio = sqrtAlpha / sqrtOneMinus;
        return ratio * ratio;
    }
}
