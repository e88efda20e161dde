package org.coverlab.metrics;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.coverlab.util.AtomicFiles;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_MT_DDRM;

/**
 * The mean and covariance of feature vectors, as pytorch-fid keeps them: {@code mu = np.mean(act, axis=0)},
 * {@code sigma = np.cov(act, rowvar=False)} (divisor n - 1), in double precision, stored as {@code mu}/{@code sigma}
 * in an {@code .npz}. {@code features} are the vectors themselves when known (KID needs them; pytorch-fid ignores the
 * extra array); {@code count} is the number of images behind the statistics, or -1 when a file does not say.
 */
public record ActivationStatistics(double[] mu, double[] sigma, int dims, long count, float[][] features) {

    public static final String MU = "mu";
    public static final String SIGMA = "sigma";
    /** Extra arrays coverlab writes beside mu/sigma; pytorch-fid loads only mu and sigma. */
    public static final String FEATURES = "features";

    public ActivationStatistics {
        if (mu.length != dims || sigma.length != (long) dims * dims) {
            throw new IllegalArgumentException("mu has " + mu.length + " values and sigma " + sigma.length + "; expected "
                    + dims + " and " + dims + "x" + dims);
        }
    }

    /** Statistics of n feature vectors (rows); n must be at least 2, as for np.cov. */
    public static ActivationStatistics of(float[][] features) {
        int n = features.length;
        if (n < 2) {
            throw new MetricsException("statistics need at least 2 feature vectors, got " + n);
        }
        int d = features[0].length;
        double[] mu = new double[d];
        for (float[] row : features) {
            if (row.length != d) {
                throw new MetricsException("feature vectors differ in length: " + row.length + " and " + d);
            }
            for (int j = 0; j < d; j++) {
                mu[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        DMatrixRMaj centred = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                centred.data[i * d + j] = features[i][j] - mu[j];
            }
        }
        DMatrixRMaj cov = new DMatrixRMaj(d, d);
        CommonOps_MT_DDRM.multTransA(centred, centred, cov);
        double[] sigma = cov.data;
        for (int k = 0; k < sigma.length; k++) {
            sigma[k] /= (n - 1);
        }
        checkFinite(mu, sigma, "features");
        return new ActivationStatistics(mu, sigma, d, n, features);
    }

    public boolean hasFeatures() {
        return features != null;
    }

    public DMatrixRMaj sigmaMatrix() {
        return DMatrixRMaj.wrap(dims, dims, sigma.clone());
    }

    /**
     * Reads an {@code .npz} written by pytorch-fid ({@code np.savez_compressed(path, mu=..., sigma=...)}) or by
     * coverlab. {@code expectedDims} > 0 also checks the dimension; a wrong shape or NaN/Inf is refused naming the file.
     */
    public static ActivationStatistics read(Path file, int expectedDims) {
        Map<String, NpyArray> arrays = Npz.read(file);
        NpyArray mu = arrays.get(MU);
        NpyArray sigma = arrays.get(SIGMA);
        if (mu == null || sigma == null) {
            throw new MetricsException(file + ": a statistics file needs arrays 'mu' and 'sigma'; it has " + arrays.keySet());
        }
        if (mu.dimensions() != 1) {
            throw new MetricsException(file + ": 'mu' has shape " + mu.shapeText() + "; expected a vector (d,)");
        }
        int d = (int) mu.shape()[0];
        if (sigma.dimensions() != 2 || sigma.shape()[0] != d || sigma.shape()[1] != d) {
            throw new MetricsException(file + ": 'sigma' has shape " + sigma.shapeText() + "; expected (" + d + ", " + d
                    + ") to match 'mu' " + mu.shapeText());
        }
        if (expectedDims > 0 && d != expectedDims) {
            throw new MetricsException(file + ": statistics of " + d + "-dimensional features; this feature extractor gives "
                    + expectedDims + " (were they computed with another extractor or --dims?)");
        }
        checkFinite(mu.data(), sigma.data(), file.toString());
        float[][] features = null;
        NpyArray f = arrays.get(FEATURES);
        if (f != null) {
            if (f.dimensions() != 2 || f.shape()[1] != d) {
                throw new MetricsException(file + ": 'features' has shape " + f.shapeText() + "; expected (n, " + d + ")");
            }
            features = f.toFloatRows();
        }
        long count = features != null ? features.length : -1;
        NpyArray n = arrays.get("count");
        if (n != null && n.data().length == 1) {
            count = (long) n.data()[0];
        }
        return new ActivationStatistics(mu.data(), sigma.data(), d, count, features);
    }

    /** Writes mu and sigma (float64, as pytorch-fid), plus features (float32) when {@code withFeatures}; atomically. */
    public void write(Path file, boolean withFeatures) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put(MU, NpyArray.of(mu));
        arrays.put(SIGMA, new NpyArray(new long[] {dims, dims}, sigma, false));
        if (count > 0) {
            arrays.put("count", NpyArray.of(new double[] {count}));
        }
        if (withFeatures && features != null) {
            arrays.put(FEATURES, NpyArray.ofRows(features));
        }
        AtomicFiles.write(file, out -> {
            BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            Npz.write(buffered, arrays);
            buffered.flush();
        });
    }

    private static void checkFinite(double[] mu, double[] sigma, String where) {
        for (int i = 0; i < mu.length; i++) {
            if (!Double.isFinite(mu[i])) {
                throw new MetricsException(where + ": 'mu' holds a non-finite value (" + mu[i] + ") at index " + i);
            }
        }
        int d = mu.length;
        for (int k = 0; k < sigma.length; k++) {
            if (!Double.isFinite(sigma[k])) {
                throw new MetricsException(where + ": 'sigma' holds a non-finite value (" + sigma[k] + ") at ["
                        + k / d + ", " + k % d + "]");
            }
        }
    }
}
