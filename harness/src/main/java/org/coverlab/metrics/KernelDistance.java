package org.coverlab.metrics;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The kernel distance (KID) as torchmetrics' {@code KernelInceptionDistance} computes it: the unbiased estimate of the
 * squared maximum mean discrepancy between real and generated features under the polynomial kernel
 * {@code k(x, y) = (gamma x.y + coef)^degree}, averaged over {@code subsets} random subsets of {@code subsetSize}
 * vectors drawn without replacement from each side; the result is the mean and the population standard deviation
 * ({@code std(unbiased=False)}) over subsets. Defaults are torchmetrics': 100 subsets of 1000, degree 3,
 * gamma = 1/d, coef 1. Unlike torchmetrics, which refuses a subset larger than the feature sets, the subset size is
 * capped by the smaller set, so small evaluations still get a score (the size used is reported).
 *
 * <p>Subsets are drawn from a seeded stream (not torch's generator), so values match torchmetrics' distribution, not
 * its draws; all kernel sums are in double precision.
 */
public final class KernelDistance {

    public record Options(int subsets, int subsetSize, int degree, double gamma, double coef, long seed) {
        /** torchmetrics' defaults; gamma NaN means 1/d. */
        public static final Options DEFAULT = new Options(100, 1000, 3, Double.NaN, 1.0, 0L);

        public Options {
            if (subsets < 1 || subsetSize < 2 || degree < 1) {
                throw new IllegalArgumentException("KID needs subsets >= 1, subset size >= 2 and degree >= 1");
            }
        }
    }

    /** Mean and standard deviation over subsets, with the subset size actually used. */
    public record Result(double mean, double std, int subsetSize, int subsets, int realCount, int fakeCount) {}

    private KernelDistance() {
    }

    public static Result compute(float[][] real, float[][] fake, Options o) {
        int n = real.length;
        int m = fake.length;
        if (n < 2 || m < 2) {
            throw new MetricsException("KID needs at least 2 real and 2 generated feature vectors, got " + n + " and " + m);
        }
        int d = real[0].length;
        if (fake[0].length != d) {
            throw new MetricsException("real features have " + d + " dimensions, generated ones " + fake[0].length);
        }
        double gamma = Double.isNaN(o.gamma()) ? 1.0 / d : o.gamma();
        int size = Math.min(o.subsetSize(), Math.min(n, m));
        // kernel matrices over all vectors once; each subset then only sums entries
        double[][] krr = kernel(real, real, gamma, o.coef(), o.degree(), true);
        double[][] kff = kernel(fake, fake, gamma, o.coef(), o.degree(), true);
        double[][] krf = kernel(real, fake, gamma, o.coef(), o.degree(), false);
        SplittableRandom rng = new SplittableRandom(o.seed());
        double[] scores = new double[o.subsets()];
        for (int s = 0; s < o.subsets(); s++) {
            int[] ri = sample(n, size, rng);
            int[] fi = sample(m, size, rng);
            scores[s] = mmd2(krr, kff, krf, ri, fi);
        }
        double mean = 0;
        for (double v : scores) {
            mean += v;
        }
        mean /= scores.length;
        double var = 0;
        for (double v : scores) {
            var += (v - mean) * (v - mean);
        }
        return new Result(mean, Math.sqrt(var / scores.length), size, o.subsets(), n, m);
    }

    /** Unbiased MMD^2: off-diagonal means of k_xx and k_yy minus twice the mean of k_xy. */
    static double mmd2(double[][] kxx, double[][] kyy, double[][] kxy, int[] xi, int[] yi) {
        int m = xi.length;
        double sxx = 0;
        double syy = 0;
        double sxy = 0;
        for (int a = 0; a < m; a++) {
            double[] rx = kxx[xi[a]];
            double[] ry = kyy[yi[a]];
            double[] rxy = kxy[xi[a]];
            for (int b = 0; b < m; b++) {
                if (a != b) {
                    sxx += rx[xi[b]];
                    syy += ry[yi[b]];
                }
                sxy += rxy[yi[b]];
            }
        }
        return (sxx + syy) / ((double) m * (m - 1)) - 2 * sxy / ((double) m * m);
    }

    /** k(a_i, b_j) for all pairs, rows in parallel; symmetric inputs fill only one triangle then mirror. */
    static double[][] kernel(float[][] a, float[][] b, double gamma, double coef, int degree, boolean symmetric) {
        double[][] k = new double[a.length][b.length];
        IntStream.range(0, a.length).parallel().forEach(i -> {
            float[] x = a[i];
            for (int j = symmetric ? i : 0; j < b.length; j++) {
                float[] y = b[j];
                double dot = 0;
                for (int t = 0; t < x.length; t++) {
                    dot += (double) x[t] * y[t];
                }
                k[i][j] = Math.pow(gamma * dot + coef, degree);
            }
        });
        if (symmetric) {
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < i; j++) {
                    k[i][j] = k[j][i];
                }
            }
        }
        return k;
    }

    /** size distinct indices of 0..n-1 (a partial Fisher-Yates shuffle, like randperm(n)[:size]). */
    private static int[] sample(int n, int size, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = 0; i < size; i++) {
            int j = i + rng.nextInt(n - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return java.util.Arrays.copyOf(p, size);
    }
}
