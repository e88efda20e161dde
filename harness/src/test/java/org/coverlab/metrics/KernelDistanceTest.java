package org.coverlab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class KernelDistanceTest {

    @Test
    void oneSubsetOfAllVectorsMatchesTorchmetricsFormula() {
        for (JsonNode c : FidVectors.vectors().get("frechet")) {
            if (!c.has("kid_all")) {
                continue;
            }
            String name = c.get("name").asText();
            int d = c.get("d").asInt();
            int m = Math.min(c.get("n1").asInt(), c.get("n2").asInt());
            double mix = c.get("mix").asDouble();
            float[][] real = toFloat(FidVectors.featureSet(name + "/a", c.get("n1").asInt(), d, mix, 1.0, 0.0), m);
            float[][] fake = toFloat(FidVectors.featureSet(name + "/b", c.get("n2").asInt(), d, mix, 1.1, 0.05), m);
            // one subset of size m holding every vector: the order of the draw does not matter
            KernelDistance.Result r = KernelDistance.compute(real, fake, new KernelDistance.Options(1, m, 3, Double.NaN, 1, 0));
            double expected = c.get("kid_all").asDouble();
            // features are float32 here, float64 in the script
            assertEquals(expected, r.mean(), 1e-4 * Math.abs(expected) + 1e-9, name);
            assertEquals(0.0, r.std());
        }
    }

    @Test
    void defaultsAreTorchmetricsAndTheSubsetIsCappedByTheImageCount() {
        KernelDistance.Options o = KernelDistance.Options.DEFAULT;
        assertEquals(100, o.subsets());
        assertEquals(1000, o.subsetSize());
        assertEquals(3, o.degree());
        assertEquals(1.0, o.coef());
        float[][] real = toFloat(FidVectors.featureSet("kid/a", 60, 16, 0.2, 1.0, 0.0), 60);
        float[][] fake = toFloat(FidVectors.featureSet("kid/b", 40, 16, 0.2, 1.0, 0.0), 40);
        KernelDistance.Result r = KernelDistance.compute(real, fake, o);
        assertEquals(40, r.subsetSize());
        assertEquals(100, r.subsets());
        assertTrue(r.std() > 0);
    }

    @Test
    void aSetAgainstItselfScoresAboutZeroAndAShiftedSetScoresHigher() {
        float[][] a = toFloat(FidVectors.featureSet("kid/self", 200, 16, 0.2, 1.0, 0.0), 200);
        float[][] shifted = toFloat(FidVectors.featureSet("kid/self", 200, 16, 0.2, 1.0, 0.5), 200);
        KernelDistance.Options o = new KernelDistance.Options(20, 100, 3, Double.NaN, 1, 1);
        double self = KernelDistance.compute(a, a, o).mean();
        double moved = KernelDistance.compute(a, shifted, o).mean();
        assertTrue(Math.abs(self) < 0.05 * moved, "self " + self + ", shifted " + moved);
    }

    static float[][] toFloat(double[][] x, int rows) {
        float[][] out = new float[rows][x[0].length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < x[0].length; j++) {
                out[i][j] = (float) x[i][j];
            }
        }
        return out;
    }
}
