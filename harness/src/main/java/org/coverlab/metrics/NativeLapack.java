package org.coverlab.metrics;

import static org.bytedeco.openblas.global.openblas_full.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_full.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_full.CblasTrans;
import static org.bytedeco.openblas.global.openblas_full.LAPACKE_dpotrf;
import static org.bytedeco.openblas.global.openblas_full.LAPACKE_dsyev;
import static org.bytedeco.openblas.global.openblas_full.LAPACKE_dsyevd;
import static org.bytedeco.openblas.global.openblas_full.LAPACKE_dsygst;
import static org.bytedeco.openblas.global.openblas_full.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas_full.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads;
import static org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads;

import org.bytedeco.javacpp.DoublePointer;

/**
 * The few LAPACK/BLAS calls the Fréchet distance needs, from OpenBLAS through JavaCPP's presets (a maintained native
 * build; no numerical code of our own). Matrices are square d x d in {@link DoublePointer}s, column-major; every
 * matrix here is symmetric or triangular, so a row-major Java array is passed as it is (for the factor, "lower" in
 * column-major order is simply where LAPACK keeps it: nothing outside this class reads a factor element by element
 * except its diagonal).
 *
 * <p>Threads: one, unless {@code -Dcoverlab.blas.threads=N}. OpenBLAS's worker threads spin-wait between the many
 * small synchronisations of a blocked factorisation, and on a shared machine a descheduled worker stalls the rest:
 * measured on the 2-core development machine at load average 9 (2048-d statistics, dpotrf + dsygst + dsyev), one
 * thread 2.5-3.1 s wall and 1.3 s CPU, two threads 6-21 s wall and 3.6-12 s CPU. On an idle machine two threads
 * would gain at most the BLAS-3 part (about half the work); the tridiagonal reduction is memory-bound.
 */
final class NativeLapack {

    private static final String UNAVAILABLE;
    private static final int THREADS;

    static {
        String reason = null;
        int threads = 0;
        try {
            threads = Integer.getInteger("coverlab.blas.threads", 1);
            openblas_set_num_threads(Math.max(1, threads));
            threads = openblas_get_num_threads();
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError: no native build for this platform
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        UNAVAILABLE = reason;
        THREADS = threads;
    }

    private NativeLapack() {
    }

    /** Whether OpenBLAS loaded; when not, {@link #unavailableReason()} says why and EJML is used instead. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    static String unavailableReason() {
        return UNAVAILABLE;
    }

    static int threads() {
        return THREADS;
    }

    static DoublePointer copyOf(double[] data) {
        DoublePointer p = new DoublePointer(data.length);
        p.put(data);
        return p;
    }

    /**
     * In place: the lower Cholesky factor L of s (s = L L^T), or false when s is not numerically positive definite
     * (LAPACK stops at a non-positive pivot, or a pivot below 1e-7 of the largest: such a factor loses accuracy in
     * L^T S L, and the eigen route handles that case).
     */
    static boolean cholesky(DoublePointer s, int d) {
        if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, (byte) 'L', d, s, d) != 0) {
            return false;
        }
        double maxDiag = 0;
        double minDiag = Double.POSITIVE_INFINITY;
        for (int i = 0; i < d; i++) {
            double v = s.get((long) i * d + i);
            if (!Double.isFinite(v)) {
                return false;
            }
            maxDiag = Math.max(maxDiag, v);
            minDiag = Math.min(minDiag, v);
        }
        return minDiag > FrechetDistance.MIN_PIVOT_RATIO * maxDiag;
    }

    /**
     * In place: a becomes L^T a L for the lower factor l from {@link #cholesky} (LAPACK's dsygst, itype 2: the
     * congruence of the problem a b x = lambda x; it uses a's symmetry, half the work of two general products).
     * Only the lower triangle of the result is meaningful, which is the one {@link #eigenvalues} reads.
     */
    static boolean congruence(DoublePointer a, DoublePointer l, int d) {
        return LAPACKE_dsygst(LAPACK_COL_MAJOR, 2, (byte) 'L', d, a, d, l, d) == 0;
    }

    /** The eigenvalues of the symmetric matrix in m's lower triangle (m is destroyed), or null if LAPACK fails. */
    static double[] eigenvalues(DoublePointer m, int d) {
        double[] w = new double[d];
        try (DoublePointer wp = new DoublePointer(d)) {
            if (LAPACKE_dsyev(LAPACK_COL_MAJOR, (byte) 'N', (byte) 'L', d, m, d, wp) != 0) {
                return null;
            }
            wp.get(w);
        }
        return w;
    }

    /**
     * B^T s B for B = V sqrt(max(Lambda, 0)) from f = V Lambda V^T (f is destroyed): the symmetric matrix with the
     * eigenvalues of f s when f is singular and has no usable Cholesky factor. Null if LAPACK fails.
     */
    static DoublePointer eigenCongruence(DoublePointer f, DoublePointer s, int d) {
        try (DoublePointer w = new DoublePointer(d)) {
            if (LAPACKE_dsyevd(LAPACK_COL_MAJOR, (byte) 'V', (byte) 'L', d, f, d, w) != 0) {
                return null;
            }
            // f now holds V column by column: scale column k by sqrt(max(lambda_k, 0))
            for (int k = 0; k < d; k++) {
                double root = Math.sqrt(Math.max(w.get(k), 0));
                for (int i = 0; i < d; i++) {
                    long at = (long) k * d + i;
                    f.put(at, f.get(at) * root);
                }
            }
        }
        DoublePointer sb = new DoublePointer((long) d * d);
        DoublePointer m = new DoublePointer((long) d * d);
        try (sb) {
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, s, d, f, d, 0.0, sb, d);
            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, d, d, d, 1.0, f, d, sb, d, 0.0, m, d);
        }
        return m;
    }
}
