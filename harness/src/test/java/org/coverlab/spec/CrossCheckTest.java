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
    void mixedPrecisionIsRefusedWithTheReasonAtItsLine() {
        SpecIssue issue = only("train:\n  mixed_precision: fp16\n");
        assertEquals("train.mixed_precision", issue.keyPath());
        assertEquals(2, issue.line());
        assertTrue(issue.message().contains("exposes no autocast"), issue.message());
    }

    @Test
    void gradientCheckpointingIsRefusedWithTheReasonAtItsLine() {
        SpecIssue issue = only("train:\n  gradient_checkpointing: true\n");
        assertEquals("train.gradient_checkpointing", issue.keyPath());
        assertTrue(issue.message().contains("torch.utils.checkpoint"), issue.message());
    }

    @Test
    void crossCheckOfAnUnwrittenKeyPointsAtItsSection() {
        SpecIssue issue = only("name: x\ntrain:\n  epochs: 3\n");
        assertEquals("train.components", issue.keyPath());
        assertEquals(2, issue.line(), "the key line of the nearest written section, train:");
    }

    @Test
    void crossCheckTriggeredByAnOverrideStillPointsIntoTheFile() {
        List<SpecIssue> issues = issues(write(dir, "spec.yaml", "name: x\ntrain:\n  lr_schedule: cosine\n"), "train.epochs=2");
        assertEquals(1, issues.size(), issues::toString);
        assertEquals(dir.resolve("spec.yaml").toString(), issues.get(0).file());
        assertEquals(2, issues.get(0).line());
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
