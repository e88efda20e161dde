package org.coverlab.data;

/**
 * Separable bicubic resampling of 8-bit-valued float planes ([0, 255]), the way PIL's {@code Image.resize(..., BICUBIC)} does it (Keys cubic,
 * a = -0.5, pixel centres at +0.5, filter support widened by the scale when shrinking so downscaling is antialiased).
 * Java2D's bicubic hint does not widen the support and aliases badly when covers shrink 5x to 64x96.
 */
public final class BicubicResampler {

    private static final double A = -0.5;
    private static final double SUPPORT = 2.0;

    private BicubicResampler() {
    }

    static double cubic(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0;
    }

    /** Precomputed taps of one axis: for output i, weights over source [start[i], start[i] + count[i]). */
    private record Taps(int[] start, int[] count, float[][] weights) {}

    private static Taps taps(int inSize, double box0, double box1, int outSize) {
        double scale = (box1 - box0) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        float[][] weights = new float[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = box0 + (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support));
            int hi = Math.min(inSize, (int) Math.ceil(center + support));
            double[] w = new double[Math.max(hi - lo, 1)];
            double sum = 0;
            for (int x = lo; x < hi; x++) {
                double v = cubic((x + 0.5 - center) / filterScale);
                w[x - lo] = v;
                sum += v;
            }
            float[] wf = new float[w.length];
            for (int k = 0; k < w.length; k++) {
                wf[k] = (float) (sum == 0 ? 0 : w[k] / sum);
            }
            start[i] = hi > lo ? lo : Math.min(Math.max(0, (int) center), inSize - 1);
            count[i] = hi > lo ? hi - lo : 1;
            if (hi <= lo) {
                wf[0] = 1f;
            }
            weights[i] = wf;
        }
        return new Taps(start, count, weights);
    }

    /**
     * Resamples a region of a plane.
     *
     * @param src  row-major plane of size srcW x srcH
     * @param box  source region {x0, y0, x1, y1} in pixels (may be fractional), as PIL's {@code box}
     * @return row-major plane of size outW x outH
     */
    public static float[] resize(float[] src, int srcW, int srcH, double[] box, int outW, int outH) {
        Taps tx = taps(srcW, box[0], box[2], outW);
        Taps ty = taps(srcH, box[1], box[3], outH);
        // Horizontal pass only over the source rows the vertical pass will read.
        int rowLo = ty.start[0];
        int rowHi = ty.start[outH - 1] + ty.count[outH - 1];
        for (int i = 0; i < outH; i++) {
            rowLo = Math.min(rowLo, ty.start[i]);
            rowHi = Math.max(rowHi, ty.start[i] + ty.count[i]);
        }
        float[] tmp = new float[(rowHi - rowLo) * outW];
        for (int y = rowLo; y < rowHi; y++) {
            int srcRow = y * srcW;
            int tmpRow = (y - rowLo) * outW;
            for (int x = 0; x < outW; x++) {
                float[] w = tx.weights[x];
                int s = srcRow + tx.start[x];
                float acc = 0;
                for (int k = 0; k < w.length; k++) {
                    acc += w[k] * src[s + k];
                }
                tmp[tmpRow + x] = round8(acc);
            }
        }
        float[] out = new float[outW * outH];
        for (int y = 0; y < outH; y++) {
            // accumulate row y, then round it like an 8-bit image
            float[] w = ty.weights[y];
            int base = ty.start[y] - rowLo;
            int outRow = y * outW;
            for (int k = 0; k < w.length; k++) {
                float wk = w[k];
                int tmpRow = (base + k) * outW;
                for (int x = 0; x < outW; x++) {
                    out[outRow + x] += wk * tmp[tmpRow + x];
                }
            }
            for (int x = 0; x < outW; x++) {
                out[outRow + x] = round8(out[outRow + x]);
            }
        }
        return out;
    }

    /** PIL resamples 8-bit images pass by pass, clamping and rounding in between; so do we, to match its output. */
    private static float round8(float v) {
        return v <= 0 ? 0 : v >= 255 ? 255 : (float) Math.floor(v + 0.5f);
    }
}
