package org.coverlab.metrics;

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
 * <p>pytorch-fid's safeguards are kept: when the result is not finite (a singular product), {@code eps} is added to
 * both diagonals and it is computed again, and the caller is told; a negative eigenvalue is the square root's
 * imaginary part, and one above 1e-3 in magnitude fails with "Imaginary component" (pytorch-fid checks the imaginary
 * part of sqrtm's diagonal with the same tolerance), while smaller ones are rounding and contribute their real part, 0.
 */
public final class FrechetDistance {

    /** pytorch-fid's default diagonal offset for singular products. */
    public static final double EPS = 1e-6;
    /** pytorch-fid's tolerance on the imaginary part of the square root. */
    public static final double IMAGINARY_TOLERANCE = 1e-3;

    /** The distance and how it was reached. */
    public record Result(double distance, double meanTerm, double traceSqrt, boolean offsetApplied, String factorisation) {}

    private FrechetDistance() {
    }

    public static double of(ActivationStatistics a, ActivationStatistics b) {
        return compute(a, b, EPS).distance();
    }

    public static Result compute(ActivationStatistics a, ActivationStatistics b, double eps) {
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
        SqrtTrace t = traceSqrtProduct(a, b, s1, s2);
        if (!Double.isFinite(t.value)) {
            // pytorch-fid: "fid calculation produces singular product; adding eps to diagonal of cov estimates"
            offset = true;
            DMatrixRMaj o1 = s1.copy();
            DMatrixRMaj o2 = s2.copy();
            for (int i = 0; i < d; i++) {
                o1.add(i, i, eps);
                o2.add(i, i, eps);
            }
            t = traceSqrtProduct(o1, o2);
            if (!Double.isFinite(t.value)) {
                throw new MetricsException("the Fréchet distance is not finite even with " + eps
                        + " added to the covariances' diagonals");
            }
        }
        return new Result(meanTerm + tr1 + tr2 - 2 * t.value, meanTerm, t.value, offset, t.how);
    }

    private record SqrtTrace(double value, String how) {}

    /**
     * tr(sqrtm(s1 s2)) for symmetric positive semi-definite s1, s2; NaN when the eigenvalues cannot be found.
     * Shortcuts that give the same eigenvalues more cheaply: diagonal covariances (the product is diagonal), and
     * statistics that carry their n feature vectors with n - 1 < d, whose covariance is A^T A for the centred,
     * scaled vectors A (n x d): the non-zero eigenvalues of A^T A s2 are those of the n x n matrix A s2 A^T.
     */
    static SqrtTrace traceSqrtProduct(ActivationStatistics a, ActivationStatistics b, DMatrixRMaj s1, DMatrixRMaj s2) {
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
            DMatrixRMaj t = new DMatrixRMaj(factorT.numRows, other.numCols);
            CommonOps_MT_DDRM.mult(factorT, other, t);
            DMatrixRMaj m = new DMatrixRMaj(factorT.numRows, factorT.numRows);
            CommonOps_MT_DDRM.multTransB(t, factorT, m);
            return sumOfRoots(m, "features(" + factorT.numRows + " vectors)");
        }
        return traceSqrtProduct(s1, s2);
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
        double sum = 0;
        for (int i = 0; i < m.numRows; i++) {
            double lambda = eig.getEigenvalue(i).real;
            if (!Double.isFinite(lambda)) {
                return new SqrtTrace(Double.NaN, how);
            }
            sum += signedRoot(lambda);
        }
        return new SqrtTrace(sum, how);
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
        return minDiag > 1e-7 * maxDiag ? l : null;
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
