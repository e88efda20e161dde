package org.coverlab.track.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MlflowNamesTest {

    @Test
    void acceptsTheKeysMlflowAccepts() {
        for (String ok : List.of("loss", "train.lr", "eval/fid", "layer 3/grad-norm", "ünïcode_key", "a.b/c d-e_f")) {
            assertTrue(MlflowNames.keyProblem(ok).isEmpty(), ok);
        }
    }

    @Test
    void rejectsIllegalCharactersOverlongAndPathAmbiguousKeys() {
        for (String bad : List.of("", "a:b", "loss!", "x=y", "k".repeat(251), "/abs", "a//b", "../up", "a/../b", "dir/", ".", "a/./b")) {
            assertTrue(MlflowNames.keyProblem(bad).isPresent(), bad);
        }
    }

    @Test
    void longParamValuesAreCutDeterministicallyToTheLimit() {
        String v = "x".repeat(10_000);
        String cut = MlflowNames.paramValue(v);
        assertEquals(MlflowNames.MAX_PARAM_VALUE_LENGTH, cut.length());
        assertTrue(cut.endsWith(MlflowNames.TRUNCATION_MARK));
        assertEquals(cut, MlflowNames.paramValue(v));
        assertEquals("short", MlflowNames.paramValue("short"));
    }

    @Test
    void cutNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        int keep = MlflowNames.MAX_PARAM_VALUE_LENGTH - MlflowNames.TRUNCATION_MARK.length();
        String v = "a".repeat(keep - 1) + emoji + "tail".repeat(100);
        String cut = MlflowNames.paramValue(v);
        assertTrue(cut.length() <= MlflowNames.MAX_PARAM_VALUE_LENGTH);
        assertTrue(cut.endsWith("a" + MlflowNames.TRUNCATION_MARK), "the lone high surrogate is dropped");
    }

    @Test
    void collectionsAreRenderedAsJson() {
        assertEquals("[\"local\",\"mlflow\"]", MlflowNames.paramValue(List.of("local", "mlflow")));
        assertEquals("{\"h\":512}", MlflowNames.paramValue(Map.of("h", 512)));
        assertEquals("0.0001", MlflowNames.paramValue("0.0001"));
        assertEquals("null", MlflowNames.paramValue(null));
    }

    @Test
    void pathSegmentsLoseSeparatorsAndLeadingDots() {
        assertEquals("grid_fixed", MlflowNames.pathSegment("grid/fixed"));
        assertEquals("_hidden", MlflowNames.pathSegment("..hidden"));
        assertEquals("_", MlflowNames.pathSegment(""));
    }

    /** Python's str() of each value (python3 -c 'print(str(v))'), so params equal those logged from Python. */
    @Test
    void floatParamsAreWrittenAsPythonWritesThem() {
        Map<Double, String> python = new java.util.LinkedHashMap<>();
        python.put(5e-06, "5e-06");
        python.put(1e-4, "0.0001");
        python.put(1.0, "1.0");
        python.put(1e16, "1e+16");
        python.put(1.5e16, "1.5e+16");
        python.put(123456789012345.6, "123456789012345.6");
        python.put(0.1 + 0.2, "0.30000000000000004");
        python.put(-2.5e-7, "-2.5e-07");
        python.put(1e-5, "1e-05");
        python.put(0.00012, "0.00012");
        python.put(3.0e22, "3e+22");
        python.put(100.0, "100.0");
        python.put(1e15, "1000000000000000.0");
        python.put(-0.0, "-0.0");
        python.put(Math.pow(2, -30), "9.313225746154785e-10");
        python.put(9999999999999998.0, "9999999999999998.0");
        python.forEach((v, text) -> assertEquals(text, MlflowNames.paramValue(v), "python str(" + v + ")"));
        assertEquals("8", MlflowNames.paramValue(8), "integers stay integers");
    }
}
