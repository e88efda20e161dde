package org.coverlab.spec;

import static org.coverlab.spec.SpecTestFiles.issues;
import static org.coverlab.spec.SpecTestFiles.load;
import static org.coverlab.spec.SpecTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtendsTest {
    @TempDir
    Path dir;

    @Test
    void childWinsSectionsMergeAndListsReplace() throws Exception {
        write(dir, "base/common.yaml", """
                name: base
                seed: 1
                train:
                  epochs: 4
                  learning_rate: 1e-4
                  components: [unet, text_encoder]
                sample:
                  seeds: [1, 2, 3]
                """);
        Path child = write(dir, "child.yaml", """
                extends: base/common.yaml
                name: child
                train:
                  epochs: 2
                  components: [unet]
                sample:
                  seeds: [9]
                """);
        ExperimentSpec spec = load(child);
        assertEquals("child", spec.name());
        assertEquals(1L, spec.seed(), "keys only the base gives are kept");
        assertEquals(2, spec.train().epochs());
        assertEquals(1e-4, spec.train().learningRate(), "a section merges key by key");
        assertEquals(List.of(TrainSpec.Component.UNET), spec.train().components(), "a list replaces the base list");
        assertEquals(List.of(9L), spec.sample().seeds());
    }

    @Test
    void chainsOfBasesApplyInOrder() throws Exception {
        write(dir, "a.yaml", "name: a\nseed: 1\ndescription: from a\n");
        write(dir, "b.yaml", "extends: a.yaml\nname: b\nseed: 2\n");
        Path c = write(dir, "c.yaml", "extends: b.yaml\nname: c\n");
        ExperimentSpec spec = load(c);
        assertEquals("c", spec.name());
        assertEquals(2L, spec.seed());
        assertEquals("from a", spec.description());
    }

    @Test
    void relativePathsResolveAgainstTheFileThatWroteThem() throws Exception {
        write(dir, "shared/base.yaml", "dataset:\n  path: data-of-base\n");
        Path child = write(dir, "exp/child.yaml", "extends: ../shared/base.yaml\n");
        assertEquals(dir.resolve("shared/data-of-base").toString(), load(child).dataset().path());
        Path overriding = write(dir, "exp/own.yaml", "extends: ../shared/base.yaml\ndataset:\n  path: mine\n");
        assertEquals(dir.resolve("exp/mine").toString(), load(overriding).dataset().path());
    }

    @Test
    void cycleIsReportedWithTheChain() {
        write(dir, "a.yaml", "extends: b.yaml\nname: a\n");
        write(dir, "b.yaml", "name: b\nextends: a.yaml\n");
        List<SpecIssue> issues = issues(dir.resolve("a.yaml"));
        assertEquals(1, issues.size(), issues::toString);
        assertEquals("extends cycle: a.yaml -> b.yaml -> a.yaml", issues.get(0).message());
        assertEquals(dir.resolve("b.yaml").toString(), issues.get(0).file());
        assertEquals(2, issues.get(0).line());
    }

    @Test
    void fileExtendingItselfIsACycle() {
        Path self = write(dir, "self.yaml", "extends: ./self.yaml\n");
        assertEquals("extends cycle: self.yaml -> self.yaml", issues(self).get(0).message());
    }

    @Test
    void missingBaseIsReportedAtTheExtendsLine() {
        Path child = write(dir, "child.yaml", "name: x\nextends: nowhere.yaml\n");
        SpecIssue issue = issues(child).get(0);
        assertEquals(child.toString(), issue.file());
        assertEquals(2, issue.line());
        assertEquals("extends", issue.keyPath());
        assertTrue(issue.message().startsWith("base spec ") && issue.message().endsWith("nowhere.yaml does not exist"), issue.message());
    }

    @Test
    void issuesInsideABasePointAtTheBaseFileAndLine() {
        write(dir, "base.yaml", "name: base\ntrain:\n  epoks: 2\n");
        Path child = write(dir, "child.yaml", "extends: base.yaml\nsample:\n  steps: 0\n");
        List<SpecIssue> issues = issues(child);
        assertEquals(2, issues.size(), issues::toString);
        assertEquals(dir.resolve("base.yaml").toString(), issues.get(0).file());
        assertEquals(3, issues.get(0).line());
        assertEquals("train.epoks", issues.get(0).keyPath());
        assertEquals(child.toString(), issues.get(1).file());
        assertEquals(3, issues.get(1).line());
    }

    @Test
    void extendsMustNameAFile() {
        Path child = write(dir, "child.yaml", "extends: [a.yaml, b.yaml]\n");
        assertEquals("expected the path of a base spec file, got a list", issues(child).get(0).message());
    }

    @Test
    void brokenBaseStillLetsTheChildsOwnKeysBeChecked() {
        Path child = write(dir, "child.yaml", "extends: missing.yaml\ntrain:\n  epoch: 2\n");
        List<SpecIssue> issues = issues(child);
        assertEquals(List.of("extends", "train.epoch"), issues.stream().map(SpecIssue::keyPath).toList());
    }
}
