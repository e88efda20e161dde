package org.coverlab.diffusion;

/** Inference timesteps from timestep_spacing, computed as diffusers' set_timesteps computes them with numpy. */
final class InferenceTimesteps {

    private InferenceTimesteps() {
    }

    static void checkSteps(int numInferenceSteps, SchedulerConfig config) {
        if (numInferenceSteps < 1 || numInferenceSteps > config.numTrainTimesteps()) {
            throw new IllegalArgumentException("inference steps must be in 1.." + config.numTrainTimesteps()
                    + " (num_train_timesteps), got " + numInferenceSteps);
        }
    }

    /** Descending integer timesteps (DDPM, DDIM, and PNDM before its own reordering). */
    static int[] descending(TimestepSpacing spacing, int n, SchedulerConfig config) {
        checkSteps(n, config);
        int total = config.numTrainTimesteps();
        return switch (spacing) {
            case LINSPACE -> {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) out[n - 1 - i] = (int) Math.rint(linspace(0, total - 1, n, i));
                yield out;
            }
            case LEADING -> {
                int[] out = new int[n];
                int ratio = total / n;
                for (int i = 0; i < n; i++) out[n - 1 - i] = i * ratio + config.stepsOffset();
                yield out;
            }
            case TRAILING -> {
                double[] values = trailingArange(total, n);
                int[] out = new int[values.length];
                for (int i = 0; i < values.length; i++) out[i] = (int) Math.rint(values[i]) - 1;
                yield out;
            }
        };
    }

    /** np.arange(N, 0, -N / n): its length is ceil(N / (N / n)), which float rounding can make n + 1. */
    static double[] trailingArange(int total, int n) {
        double ratio = (double) total / n;
        int length = (int) Math.ceil((0.0 - total) / -ratio);
        double[] out = new double[length];
        for (int i = 0; i < length; i++) out[i] = total + i * -ratio;
        return out;
    }

    /** np.linspace(start, stop, n)[i]: start + i * step, the last exactly stop. */
    static double linspace(double start, double stop, int n, int i) {
        if (n == 1) return start;
        if (i == n - 1) return stop;
        return start + i * ((stop - start) / (n - 1));
    }
}
