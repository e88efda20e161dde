package org.coverlab.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.coverlab.model.inception.ReferenceWeights;

/** The committed vectors of scripts/make_fid_vectors.py and the feature sets it derives from the shared generator. */
public final class FidVectors {

    private FidVectors() {
    }

    public static Path dir() {
        try {
            return Path.of(FidVectors.class.getResource("/conformance/fid/vectors.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode vectors() {
        try {
            return new ObjectMapper().readTree(dir().resolve("vectors.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** make_fid_vectors.feature_set: det_uniform values, per-column scale and shift, plus mix times the next column. */
    public static double[][] featureSet(String name, int n, int d, double mix, double scale, double shift) {
        double[] u = ReferenceWeights.uniform(name, n * d, ReferenceWeights.SEED);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = u[i * d + j] * (1.0 + (j % 5) * 0.25) + (j % 3) * 0.1;
            }
        }
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (x[i][j] + mix * x[i][(j + 1) % d]) * scale + shift;
            }
        }
        return out;
    }

    /** np.mean / np.cov(rowvar=False) in double, for double-valued feature sets. */
    public static ActivationStatistics stats(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mu = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mu[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        double[] sigma = new double[d * d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                double da = row[a] - mu[a];
                for (int b = 0; b < d; b++) {
                    sigma[a * d + b] += da * (row[b] - mu[b]);
                }
            }
        }
        for (int k = 0; k < sigma.length; k++) {
            sigma[k] /= (n - 1);
        }
        return new ActivationStatistics(mu, sigma, d, n, null);
    }
}
