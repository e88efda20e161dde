package org.coverlab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.coverlab.metrics.FrechetDistance.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrechetDistanceTest {

    @Test
    void theNativeBackendLoadsOnThisPlatform() {
        // the bundled natives are linux-x86_64, where CI and the benchmarks run: a silent EJML fallback there would
        // cost ~15x on 2048-d statistics
        assertTrue(NativeLapack.available(), "OpenBLAS did not load: " + NativeLapack.unavailableReason());
        assertEquals(Backend.OPENBLAS, Backend.preferred());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void distancesMatchPytorchFidWithinOneMillionth(Backend backend) {
        for (JsonNode c : FidVectors.vectors().get("frechet")) {
            String name = c.get("name").asText();
            int d = c.get("d").asInt();
            double mix = c.get("mix").asDouble();
            ActivationStatistics a = FidVectors.stats(FidVectors.featureSet(name + "/a", c.get("n1").asInt(), d, mix, 1.0, 0.0));
            ActivationStatistics b = FidVectors.stats(FidVectors.featureSet(name + "/b", c.get("n2").asInt(), d, mix, 1.1, 0.05));
            double expected = c.get("fid").asDouble();
            FrechetDistance.Result r = FrechetDistance.compute(a, b, FrechetDistance.EPS, backend);
            double got = r.distance();
            assertEquals(expected, got, 1e-6 * Math.abs(expected), name + ": pytorch-fid " + expected + ", coverlab " + got);
            assertEquals(backend, r.backend());
            assertFalse(r.offsetApplied(), name);
        }
    }

    @Test
    void equalIdentityCovariancesGiveExactlyTheSquaredMeanDifference() {
        // pytorch-fid's test_calculate_fid_given_statistics: zeros against ones in 2048 dimensions is exactly 2048
        int d = 2048;
        double[] eye = new double[d * d];
        for (int i = 0; i < d; i++) {
            eye[i * d + i] = 1;
        }
        double[] ones = new double[d];
        Arrays.fill(ones, 1.0);
        ActivationStatistics zeros = new ActivationStatistics(new double[d], eye, d, -1, null);
        ActivationStatistics onesStats = new ActivationStatistics(ones, eye.clone(), d, -1, null);
        assertEquals(2048.0, FrechetDistance.of(zeros, onesStats));
    }

    @Test
    void equalGeneralCovariancesLeaveOnlyTheMeanTerm() {
        ActivationStatistics a = FidVectors.stats(FidVectors.featureSet("equal", 300, 32, 0.5, 1.0, 0.0));
        double[] shifted = a.mu().clone();
        double expected = 0;
        for (int i = 0; i < shifted.length; i++) {
            double delta = 0.01 * (i % 7);
            shifted[i] += delta;
            expected += delta * delta;
        }
        ActivationStatistics b = new ActivationStatistics(shifted, a.sigma().clone(), a.dims(), a.count(), null);
        double got = FrechetDistance.of(a, b);
        // tr(s) + tr(s) - 2 tr(sqrt(s s)) cancels up to rounding relative to tr(s)
        double trace = 0;
        for (int i = 0; i < a.dims(); i++) {
            trace += a.sigma()[i * a.dims() + i];
        }
        assertEquals(expected, got, 1e-10 * trace);
    }

    @Test
    void aSetAgainstItselfScoresZero() {
        ActivationStatistics a = FidVectors.stats(FidVectors.featureSet("self", 200, 48, 0.3, 1.0, 0.0));
        assertEquals(0.0, FrechetDistance.of(a, a), 1e-9);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void singularCovariancesAreHandledWithoutTheOffsetWhenFinite(Backend backend) {
        // rank-deficient covariances (fewer vectors than dimensions): a singular product, the eigendecomposition route
        ActivationStatistics a = FidVectors.stats(FidVectors.featureSet("rank/a", 10, 40, 0.2, 1.0, 0.0));
        ActivationStatistics b = FidVectors.stats(FidVectors.featureSet("rank/b", 12, 40, 0.2, 1.0, 0.1));
        FrechetDistance.Result r = FrechetDistance.compute(a, b, FrechetDistance.EPS, backend);
        assertTrue(Double.isFinite(r.distance()) && r.distance() > 0, "distance " + r.distance());
        assertFalse(r.offsetApplied());
        assertEquals("eigen(sigma1)", r.factorisation());
    }

    @Test
    void bothBackendsTakeTheSameRouteToTheSameDistance() {
        ActivationStatistics full = FidVectors.stats(FidVectors.featureSet("route/full", 200, 48, 0.3, 1.0, 0.0));
        ActivationStatistics full2 = FidVectors.stats(FidVectors.featureSet("route/full2", 150, 48, 0.2, 1.1, 0.1));
        ActivationStatistics singular = FidVectors.stats(FidVectors.featureSet("route/rank", 20, 48, 0.3, 1.0, 0.0));
        ActivationStatistics singular2 = FidVectors.stats(FidVectors.featureSet("route/rank2", 25, 48, 0.3, 1.2, 0.0));
        ActivationStatistics withFeatures = ActivationStatistics.of(toFloat(FidVectors.featureSet("route/few", 30, 48,
                0.3, 1.0, 0.0)));
        Object[][] cases = {
                {full, full2, "cholesky(sigma1)"}, {singular, full, "cholesky(sigma2)"},
                {singular, singular2, "eigen(sigma1)"}, {withFeatures, full, "features(30 vectors)"}};
        for (Object[] c : cases) {
            ActivationStatistics a = (ActivationStatistics) c[0];
            ActivationStatistics b = (ActivationStatistics) c[1];
            FrechetDistance.Result java = FrechetDistance.compute(a, b, FrechetDistance.EPS, Backend.EJML);
            FrechetDistance.Result blas = FrechetDistance.compute(a, b, FrechetDistance.EPS, Backend.OPENBLAS);
            assertEquals(c[2], java.factorisation());
            assertEquals(c[2], blas.factorisation());
            // a singular product's zero eigenvalues come out as +-1e-16 residues whose square roots (~1e-8 each)
            // differ between the two libraries' rounding: agreement to 1e-7, inside the 1e-6 asked of either
            assertEquals(java.distance(), blas.distance(), 1e-7 * java.distance(), (String) c[2]);
        }
    }

    @Test
    void zeroCovariancesGiveTheMeanTerm() {
        int d = 16;
        double[] mu = new double[d];
        mu[3] = 2;
        ActivationStatistics a = new ActivationStatistics(new double[d], new double[d * d], d, 1, null);
        ActivationStatistics b = new ActivationStatistics(mu, new double[d * d], d, 1, null);
        assertEquals(4.0, FrechetDistance.of(a, b), 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCovarianceWithALargeNegativeEigenvalueIsRefusedAsImaginary(Backend backend) {
        int d = 3;
        double[] bad = {1, 0, 0, 0, -1, 0, 0, 0, 1};
        double[] eye = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        ActivationStatistics a = new ActivationStatistics(new double[d], bad, d, -1, null);
        ActivationStatistics b = new ActivationStatistics(new double[d], eye, d, -1, null);
        MetricsException e = assertThrows(MetricsException.class,
                () -> FrechetDistance.compute(a, b, FrechetDistance.EPS, backend));
        assertTrue(e.getMessage().contains("Imaginary component"), e.getMessage());
    }

    @Test
    void statisticsOfDifferentDimensionAreRefused() {
        ActivationStatistics a = new ActivationStatistics(new double[2], new double[4], 2, -1, null);
        ActivationStatistics b = new ActivationStatistics(new double[3], new double[9], 3, -1, null);
        MetricsException e = assertThrows(MetricsException.class, () -> FrechetDistance.of(a, b));
        assertTrue(e.getMessage().contains("different dimension"), e.getMessage());
    }

    @Test
    void statisticsFromFeaturesMatchNumpyMeanAndCov() {
        // pytorch-fid's test_compute_statistics_of_path: images 0, 0.5, 1 give mu 0.5 and sigma 0.25 everywhere
        float[][] f = {{0f, 0f, 0f}, {0.5f, 0.5f, 0.5f}, {1f, 1f, 1f}};
        ActivationStatistics s = ActivationStatistics.of(f);
        for (double m : s.mu()) {
            assertEquals(0.5, m, 1e-12);
        }
        for (double v : s.sigma()) {
            assertEquals(0.25, v, 1e-12);
        }
    }

    @Test
    void fewFeatureVectorsGiveTheSameDistanceThroughTheirSmallFactor() {
        float[][] fa = toFloat(FidVectors.featureSet("few/a", 20, 64, 0.3, 1.0, 0.0));
        float[][] fb = toFloat(FidVectors.featureSet("few/b", 300, 64, 0.3, 1.2, 0.1));
        ActivationStatistics a = ActivationStatistics.of(fa);
        ActivationStatistics b = ActivationStatistics.of(fb);
        FrechetDistance.Result viaFeatures = FrechetDistance.compute(a, b, FrechetDistance.EPS);
        ActivationStatistics aStatsOnly = new ActivationStatistics(a.mu(), a.sigma(), a.dims(), a.count(), null);
        FrechetDistance.Result viaCovariances = FrechetDistance.compute(aStatsOnly, b, FrechetDistance.EPS);
        assertEquals("features(20 vectors)", viaFeatures.factorisation());
        // the covariance route adds rounding noise from the zero eigenvalues (square roots of ~1e-16); well inside 1e-6
        assertEquals(viaCovariances.distance(), viaFeatures.distance(), 1e-7 * viaCovariances.distance());
    }

    private static float[][] toFloat(double[][] x) {
        float[][] out = new float[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                out[i][j] = (float) x[i][j];
            }
        }
        return out;
    }
}
