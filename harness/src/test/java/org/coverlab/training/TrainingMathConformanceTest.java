package org.coverlab.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.coverlab.model.Reference;
import org.coverlab.model.io.TensorEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AdamW, the LR schedules and EMA against torch.optim.AdamW, diffusers' get_scheduler and EMAModel (vectors from
 * scripts/refvectors/training.py, committed under conformance/training). AdamW agrees to about one float ulp, not
 * bit for bit: torch's vectorised CPU kernels fuse some multiply-adds.
 */
class TrainingMathConformanceTest {
    private static Map<String, float[]> tensors;
    private static JsonNode cases;

    @BeforeAll
    static void load() throws Exception {
        tensors = ConformanceTensors.read(Reference.conformance("training/training.safetensors")).values();
        cases = new ObjectMapper().readTree(Reference.conformance("training/training.json").toFile());
    }

    @Test
    void adamwMatchesTorchWithDefaultSettings() {
        checkAdamW("default");
    }

    @Test
    void adamwMatchesTorchWithOtherBetasEpsDecayAndAChangingLearningRate() {
        checkAdamW("custom");
    }

    private void checkAdamW(String name) {
        JsonNode c = cases.get("adamw").get(name);
        AdamW opt = new AdamW(new AdamW.Settings(c.get("beta1").asDouble(), c.get("beta2").asDouble(),
                c.get("eps").asDouble(), c.get("weight_decay").asDouble()));
        String prefix = "adamw_" + name;
        float[][] p = {tensors.get(prefix + ".p0.init").clone(), tensors.get(prefix + ".p1.init").clone()};
        for (int s = 0; s < c.get("steps").asInt(); s++) {
            double lr = c.get("lr_per_step").isNull() ? c.get("lr").asDouble() : c.get("lr_per_step").get(s).asDouble();
            opt.beginStep(lr);
            for (int i = 0; i < 2; i++) {
                opt.update(i, "p" + i, p[i], tensors.get(prefix + ".p" + i + ".grad" + s));
            }
        }
        Map<String, TensorEntry> state = new HashMap<>();
        opt.state().forEach(t -> state.put(t.name(), t));
        for (int i = 0; i < 2; i++) {
            assertClose(tensors.get(prefix + ".p" + i + ".final"), p[i], 1e-6, name + " p" + i);
            assertClose(tensors.get(prefix + ".p" + i + ".exp_avg"),
                    OptimizerStates.floats(state, "p" + i + ".exp_avg"), 1e-6, name + " exp_avg" + i);
            assertClose(tensors.get(prefix + ".p" + i + ".exp_avg_sq"),
                    OptimizerStates.floats(state, "p" + i + ".exp_avg_sq"), 1e-6, name + " exp_avg_sq" + i);
        }
    }

    @Test
    void learningRatesPerUpdateMatchDiffusersGetScheduler() {
        var it = cases.get("lr").fields();
        int checked = 0;
        while (it.hasNext()) {
            var e = it.next();
            JsonNode c = e.getValue();
            LrSchedule s = new LrSchedule(LrSchedule.Kind.valueOf(c.get("kind").asText().toUpperCase()),
                    c.get("peak").asDouble(), c.get("warmup").asLong(), c.get("total").asLong());
            for (int u = 0; u < c.get("total").asInt(); u++) {
                double expected = c.get("lrs").get(u).asDouble();
                assertEquals(expected, s.at(u), 1e-15, e.getKey() + " update " + u);
            }
            checked++;
        }
        assertEquals(6, checked);
    }

    @Test
    void emaMatchesDiffusersEmaModel() {
        Ema ema = new Ema(cases.get("ema").get("decay").asDouble());
        for (int s = 0; s < cases.get("ema").get("steps").asInt(); s++) {
            ema.beginUpdate();
            ema.update(0, "w", tensors.get("ema.weights" + s));
        }
        assertClose(tensors.get("ema.shadow"), ema.shadow(0), 1e-7, "ema shadow");
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double max = 0;
        int exact = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
            exact += expected[i] == actual[i] ? 1 : 0;
        }
        System.out.printf("conformance %-24s max abs error %.3g, %d of %d bit-identical%n", what, max, exact,
                expected.length);
        assertTrue(max <= tolerance, what + ": max abs error " + max);
    }
}
