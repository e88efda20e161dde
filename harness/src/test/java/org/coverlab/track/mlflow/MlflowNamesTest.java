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
}
