package org.coverlab.metrics;

import static org.bytedeco.openblas.global.openblas_full.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_full.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_full.CblasTrans;
import static org.bytedeco.openblas.global.openblas_full.cblas_dgemm;

import org.bytedeco.javacpp.DoublePointer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Fréchet distance between two Gaussians, as pytorch-fid's {@code calculate_frechet_distance} defines it:
 * {@code |mu1 - mu2|^2 + tr(sigma1) + tr(sigma2) - 2 tr(sqrtm(sigma1 sigma2))}, in double precision.
 *
 * <p>Only the trace of the matrix square root enters the distance, and that trace is the sum of the square roots of
 * the eigenvalues of {@code sigma1 sigma2} (scipy's Schur-based {@code sqrtm} puts exactly those on its diagonal).
 * Because both covariances are symmetric positive semi-definite, those eigenvalues are the eigenvalues of the symmetric
 * matrix {@code B^T sigma2 B} for any factor {@code sigma1 = B B^T}: a Cholesky factor when sigma1 (or, swapping roles,
 * sigma2) is positive definite, else {@code V sqrt(Lambda)} from sigma1's eigendecomposition. A symmetric eigenvalue
 * problem is several times cheaper and better conditioned than the general one, and EJML solves it.
 *
 * <p>The work runs in OpenBLAS (LAPACK's dpotrf, dsygst, dsyev; {@link NativeLapack}) when its native library
 * loads, else in EJML; both give the same eigenvalues to rounding. Measured on the 2-core development machine, two
 * full-rank 2048-d statistics: EJML about 20 s of CPU (Cholesky, two general products, the tridiagonal reduction of
 * the eigenvalue problem, all pure Java), OpenBLAS about 1 s of CPU on one thread (BENCHMARKS.md).
 *
 * <p>How pytorch-fid's safeguards map onto this path. (1) Its eps offset: scipy's {@code sqrtm} of the general
 * product S1 S2 runs a Schur recurrence that divides by R[i,i] + R[j,j]; with repeated (near-)zero eigenvalues, i.e.
 * a singular product, that can divide a rounding residue by zero and give inf/NaN, and pytorch-fid then adds eps to
 * both diagonals and computes again. The symmetric path divides by nothing: L^T S2 L is symmetric positive
 * semi-definite and its eigenvalues, the square roots' squares, come out finite for any finite input, so the trace
 * is finite whenever scipy's would have been and the offset is applied only when it is not (non-finite input, or
 * LAPACK/EJML failing to converge), exactly as pytorch-fid does with its own result. Where scipy's recurrence fails
 * on a product our path handles (exactly structured singular covariances), pytorch-fid reports the offset distance
 * and this class the unoffset one, which differ by about sqrt(eps) per zero direction; the two agree to 1e-6 on the
 * committed vectors, including a rank-deficient pair. (2) Its imaginary-part check: the diagonal of scipy's
 * triangular square root holds sqrt(lambda) of the product's eigenvalues, imaginary exactly when lambda < 0, and
 * pytorch-fid fails when an imaginary part exceeds 1e-3; here a negative eigenvalue of L^T S2 L is that lambda, so
 * sqrt(-lambda) > 1e-3 fails with the same "Imaginary component" message, while smaller ones are rounding and
 * contribute their real part, 0 (pytorch-fid keeps covmean.real).
 */
public final class FrechetDistance {

    /** pytorch-fid's default diagonal offset for singular products. */
    public static final double EPS = 1e-6;
    /** pytorch-fid's tolerance on the imaginary part of the square root. */
    public static final double IMAGINARY_TOLERANCE = 1e-3;
    /** A Cholesky factor whose smallest pivot is below this fraction of its largest is not used (see cholesky). */
    static final double MIN_PIVOT_RATIO = 1e-7;

    /** The distance and how it was reached. */
    public record Result(double distance, double meanTerm, double traceSqrt, boolean offsetApplied, String factorisation,
                         Backend backend) {}

    /** Where the linear algebra runs. */
    public enum Backend {
        /** Native LAPACK/BLAS (multi-threaded). */
        OPENBLAS,
        /** Pure Java; the fallback where OpenBLAS's native library is not available. */
        EJML;

        public static Backend preferred() {
            return NativeLapack.available() ? OPENBLAS : EJML;
        }
    }

    private FrechetDistance() {
    }

    public static double of(ActivationStatistics a, ActivationStatistics b) {
        return compute(a, b, EPS).distance();
    }

    public static Result compute(ActivationStatistics a, ActivationStatistics b, double eps) {
        return compute(a, b, eps, Backend.preferred());
    }

    public static Result compute(ActivationStatistics a, ActivationStatistics b, double eps, Backend backend) {
        if (a.dims() != b.dims()) {
            throw new MetricsException("statistics of different dimension: " + a.dims() + " and " + b.dims()
                    + " (computed with different feature extractors or --dims?)");
        }
        int d = a.dims();
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mu()[i] - b.mu()[i];
            meanTerm += diff * diff;
        }
        DMatrixRMaj s1 = a.sigmaMatrix();
        DMatrixRMaj s2 = b.sigmaMatrix();
        double tr1 = CommonOps_DDRM.trace(s1);
        double tr2 = CommonOps_DDRM.trace(s2);
        boolean offset = false;
        SqrtTrace t = traceSqrtProduct(a, b, s1, s2, backend);
        if (!Double.isFinite(t.value)) {
            // pytorch-fid: "fid calculation produces singular product; adding eps to diagonal of cov estimates"
            offset = true;
            DMatrixRMaj o1 = s1.copy();
            DMatrixRMaj o2 = s2.copy();
            for (int i = 0; i < d; i++) {
                o1.add(i, i, eps);
                o2.add(i, i, eps);
            }
            t = traceSqrtProduct(o1, o2, backend);
            if (!Double.isFinite(t.value)) {
                throw new MetricsException("the Fréchet distance is not finite even with " + eps
                        + " added to the covariances' diagonals");
            }
        }
        return new Result(meanTerm + tr1 + tr2 - 2 * t.value, meanTerm, t.value, offset, t.how, backend);
    }

    private record SqrtTrace(double value, String how) {}

    /**
     * tr(sqrtm(s1 s2)) for symmetric positive semi-definite s1, s2; NaN when the eigenvalues cannot be found.
     * Shortcuts that give the same eigenvalues more cheaply: diagonal covariances (the product is diagonal), and
     * statistics that carry their n feature vectors with n - 1 < d, whose covariance is A^T A for the centred,
     * scaled vectors A (n x d): the non-zero eigenvalues of A^T A s2 are those of the n x n matrix A s2 A^T.
     */
    static SqrtTrace traceSqrtProduct(ActivationStatistics a, ActivationStatistics b, DMatrixRMaj s1, DMatrixRMaj s2,
                                      Backend backend) {
        if (isDiagonal(s1) && isDiagonal(s2)) {
            double sum = 0;
            for (int i = 0; i < s1.numRows; i++) {
                sum += signedRoot(s1.get(i, i) * s2.get(i, i));
            }
            return new SqrtTrace(sum, "diagonal");
        }
        ActivationStatistics low = lowRankSide(a, b);
        if (low != null) {
            DMatrixRMaj factorT = centredScaled(low);
            DMatrixRMaj other = low == a ? s2 : s1;
            String how = "features(" + factorT.numRows + " vectors)";
            int n = factorT.numRows;
            int d = factorT.numCols;
            if (backend == Backend.OPENBLAS) {
                // row-major A (n x d) is column-major X = A^T (d x n); M = X^T S X = A S A^T
                try (DoublePointer x = NativeLapack.copyOf(factorT.data); DoublePointer sp = NativeLapack.copyOf(other.data);
                     DoublePointer sx = new DoublePointer((long) d * n); DoublePointer m = new DoublePointer((long) n * n)) {
                    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, d, n, d, 1.0, sp, d, x, d, 0.0, sx, d);
                    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, n, n, d, 1.0, x, d, sx, d, 0.0, m, n);
                    return sumOfRoots(NativeLapack.eigenvalues(m, n), how);
                }
            }
            DMatrixRMaj t = new DMatrixRMaj(n, other.numCols);
            CommonOps_MT_DDRM.mult(factorT, other, t);
            DMatrixRMaj m = new DMatrixRMaj(n, n);
            CommonOps_MT_DDRM.multTransB(t, factorT, m);
            return sumOfRoots(m, how);
        }
        return traceSqrtProduct(s1, s2, backend);
    }

    static SqrtTrace traceSqrtProduct(DMatrixRMaj s1, DMatrixRMaj s2, Backend backend) {
        return backend == Backend.OPENBLAS ? nativeTraceSqrtProduct(s1, s2) : traceSqrtProduct(s1, s2);
    }

    /**
     * The native twin of {@link #traceSqrtProduct(DMatrixRMaj, DMatrixRMaj)}: the same factor choice and the same
     * symmetric matrix, with LAPACK's dsygst forming L^T S L (it uses the symmetry: about d^3 flops instead of the two
     * general products' 4 d^3) and dsyev finding its eigenvalues without vectors.
     */
    static SqrtTrace nativeTraceSqrtProduct(DMatrixRMaj s1, DMatrixRMaj s2) {
        int d = s1.numRows;
        try (DoublePointer f = NativeLapack.copyOf(s1.data)) {
            DoublePointer factor = f;
            DMatrixRMaj other = s2;
            String how = "cholesky(sigma1)";
            if (!NativeLapack.cholesky(f, d)) {
                f.put(s2.data);
                other = s1;
                how = "cholesky(sigma2)";
                if (!NativeLapack.cholesky(f, d)) {
                    factor = null;
                }
            }
            if (factor != null) {
                try (DoublePointer m = NativeLapack.copyOf(other.data)) {
                    if (!NativeLapack.congruence(m, factor, d)) {
                        return new SqrtTrace(Double.NaN, how);
                    }
                    return sumOfRoots(NativeLapack.eigenvalues(m, d), how);
                }
            }
            how = "eigen(sigma1)";
            f.put(s1.data);
            try (DoublePointer s = NativeLapack.copyOf(s2.data)) {
                DoublePointer m = NativeLapack.eigenCongruence(f, s, d);
                if (m == null) {
                    return new SqrtTrace(Double.NaN, how);
                }
                try (m) {
                    return sumOfRoots(NativeLapack.eigenvalues(m, d), how);
                }
            }
        }
    }

    private static SqrtTrace sumOfRoots(double[] eigenvalues, String how) {
        if (eigenvalues == null) {
            return new SqrtTrace(Double.NaN, how);
        }
        double sum = 0;
        for (double lambda : eigenvalues) {
            if (!Double.isFinite(lambda)) {
                return new SqrtTrace(Double.NaN, how);
            }
            sum += signedRoot(lambda);
        }
        return new SqrtTrace(sum, how);
    }

    private static boolean isDiagonal(DMatrixRMaj m) {
        int d = m.numRows;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (i != j && m.data[i * d + j] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The side whose feature vectors give the smaller exact factor, or null when neither helps. */
    private static ActivationStatistics lowRankSide(ActivationStatistics a, ActivationStatistics b) {
        ActivationStatistics best = null;
        for (ActivationStatistics s : new ActivationStatistics[] {a, b}) {
            if (s.hasFeatures() && s.features().length - 1 < s.dims()
                    && (best == null || s.features().length < best.features().length)) {
                best = s;
            }
        }
        return best;
    }

    /** (x_i - mu) / sqrt(n - 1) as rows, so that A^T A is np.cov of the vectors. */
    private static DMatrixRMaj centredScaled(ActivationStatistics s) {
        float[][] f = s.features();
        int n = f.length;
        int d = s.dims();
        double[] mu = new double[d];
        for (float[] row : f) {
            for (int j = 0; j < d; j++) {
                mu[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        double scale = 1.0 / Math.sqrt(n - 1);
        DMatrixRMaj out = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out.data[i * d + j] = (f[i][j] - mu[j]) * scale;
            }
        }
        return out;
    }

    private static double signedRoot(double lambda) {
        if (lambda >= 0) {
            return Math.sqrt(lambda);
        }
        if (Math.sqrt(-lambda) > IMAGINARY_TOLERANCE) {
            throw new MetricsException("Imaginary component " + Math.sqrt(-lambda) + " in the square root of the "
                    + "covariance product (eigenvalue " + lambda + "): the covariances are not positive semi-definite");
        }
        return 0;
    }

    static SqrtTrace traceSqrtProduct(DMatrixRMaj s1, DMatrixRMaj s2) {
        int d = s1.numRows;
        DMatrixRMaj factor = cholesky(s1);
        DMatrixRMaj other = s2;
        String how = "cholesky(sigma1)";
        if (factor == null) {
            factor = cholesky(s2);
            other = s1;
            how = "cholesky(sigma2)";
        }
        if (factor == null) {
            factor = eigenFactor(s1);
            other = s2;
            how = "eigen(sigma1)";
            if (factor == null) {
                return new SqrtTrace(Double.NaN, how);
            }
        }
        // M = B^T S B: symmetric, with the eigenvalues of s1 s2
        DMatrixRMaj sb = new DMatrixRMaj(d, d);
        CommonOps_MT_DDRM.mult(other, factor, sb);
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        CommonOps_MT_DDRM.multTransA(factor, sb, m);
        return sumOfRoots(m, how);
    }

    /** Sum of the square roots of a symmetric matrix's eigenvalues (see {@link #signedRoot}); NaN if EJML fails. */
    private static SqrtTrace sumOfRoots(DMatrixRMaj m, String how) {
        symmetrise(m);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, false, true);
        if (!eig.decompose(m)) {
            return new SqrtTrace(Double.NaN, how);
        }
        double[] lambda = new double[m.numRows];
        for (int i = 0; i < m.numRows; i++) {
            lambda[i] = eig.getEigenvalue(i).real;
        }
        return sumOfRoots(lambda, how);
    }

    /** Lower Cholesky factor L (s = L L^T), or null when s is not numerically positive definite. */
    private static DMatrixRMaj cholesky(DMatrixRMaj s) {
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(s.numRows, true);
        DMatrixRMaj work = s.copy();
        if (!chol.decompose(work)) {
            return null;
        }
        DMatrixRMaj l = chol.getT(null);
        for (double v : l.data) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        // a factor with a vanishing pivot loses accuracy in B^T S B; the eigen route handles that case
        double maxDiag = 0;
        double minDiag = Double.POSITIVE_INFINITY;
        for (int i = 0; i < l.numRows; i++) {
            maxDiag = Math.max(maxDiag, l.get(i, i));
            minDiag = Math.min(minDiag, l.get(i, i));
        }
        return minDiag > MIN_PIVOT_RATIO * maxDiag ? l : null;
    }

    /** B = V sqrt(max(Lambda, 0)) with s = V Lambda V^T, so s = B B^T up to rounding; null if EJML fails. */
    private static DMatrixRMaj eigenFactor(DMatrixRMaj s) {
        int d = s.numRows;
        DMatrixRMaj work = s.copy();
        symmetrise(work);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(work)) {
            return null;
        }
        DMatrixRMaj b = new DMatrixRMaj(d, d);
        for (int k = 0; k < d; k++) {
            double lambda = eig.getEigenvalue(k).real;
            DMatrixRMaj v = eig.getEigenVector(k);
            if (!Double.isFinite(lambda) || v == null) {
                return null;
            }
            double root = Math.sqrt(Math.max(lambda, 0));
            for (int i = 0; i < d; i++) {
                b.set(i, k, v.get(i) * root);
            }
        }
        return b;
    }

    private static void symmetrise(DMatrixRMaj m) {
        int d = m.numRows;
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                double v = 0.5 * (m.get(i, j) + m.get(j, i));
                m.set(i, j, v);
                m.set(j, i, v);
            }
        }
    }
}
