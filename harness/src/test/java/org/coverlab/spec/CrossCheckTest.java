package org.coverlab.spec;

import static org.coverlab.spec.SpecTestFiles.issues;
import static org.coverlab.spec.SpecTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrossCheckTest {
    @TempDir
    Path dir;

    private SpecIssue only(String yaml) {
        List<SpecIssue> issues = issues(write(dir, "spec.yaml", yaml));
        assertEquals(1, issues.size(), issues::toString);
        return issues.get(0);
    }

    @Test
    void trainingEpochsWithoutComponentsIsRejectedAtTheComponentsLine() {
        SpecIssue issue = only("train:\n  epochs: 3\n  components: []\n");
        assertEquals("train.components", issue.keyPath());
        assertEquals(3, issue.line());
        assertTrue(issue.message().startsWith("is empty but train.epochs is 3"));
    }

    @Test
    void crossCheckOfAnUnwrittenKeyPointsAtItsSection() {
        SpecIssue issue = only("name: x\ntrain:\n  epochs: 3\n");
        assertEquals("train.components", issue.keyPath());
        assertEquals(3, issue.line(), "the nearest written node is train.epochs' section, which starts on line 3");
    }

    @Test
    void validationSplitOfOneLeavesNothingToTrainOn() {
        SpecIssue issue = only("dataset:\n  validation_split: 1.0\n");
        assertEquals("dataset.validation_split", issue.keyPath());
        assertEquals("must be below 1.0 so some images remain for training", issue.message());
    }

    @Test
    void samplingWithoutPromptsIsRejected() {
        SpecIssue issue = only("sample:\n  prompts: []\n  every: epoch\n");
        assertEquals("sample.prompts", issue.keyPath());
        assertEquals("is empty but sampling is enabled (sample.every: epoch)", issue.message());
    }

    @Test
    void samplingWithoutSeedsIsRejected() {
        SpecIssue issue = only("sample:\n  seeds: []\n");
        assertEquals("sample.seeds", issue.keyPath());
        assertTrue(issue.message().startsWith("is empty but sampling is enabled"));
    }

    @Test
    void noSamplingNeedsNoPromptsOrSeeds() throws Exception {
        Path file = write(dir, "spec.yaml", "sample:\n  prompts: []\n  seeds: []\n  every: never\n");
        assertEquals(List.of(), SpecTestFiles.load(file).sample().prompts());
    }

    @Test
    void crossChecksWaitUntilSingleKeysAreValid() {
        // components has a bad value; "components is empty" would be a follow-on complaint about the fallback.
        SpecIssue issue = only("train:\n  epochs: 3\n  components: [unett]\n");
        assertEquals("train.components[0]", issue.keyPath());
    }
}
