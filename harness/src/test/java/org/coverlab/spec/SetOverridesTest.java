package org.coverlab.spec;

import static org.coverlab.spec.SpecTestFiles.issues;
import static org.coverlab.spec.SpecTestFiles.load;
import static org.coverlab.spec.SpecTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetOverridesTest {
    @TempDir
    Path dir;

    private Path spec() {
        return write(dir, "spec.yaml", "name: x\ntrain:\n  epochs: 1\n  components: [unet]\n");
    }

    private static SpecIssue only(List<SpecIssue> issues) {
        assertEquals(1, issues.size(), issues::toString);
        return issues.get(0);
    }

    @Test
    void valuesAreParsedAsYamlScalarsAndFlowCollections() throws Exception {
        ExperimentSpec spec = load(spec(), "train.components=[unet, text_encoder]", "train.epochs=8",
                "train.learning_rate=1e-5", "dataset.resolution={width: 512, height: 768}", "sample.seeds=[1,2]");
        assertEquals(List.of(TrainSpec.Component.UNET, TrainSpec.Component.TEXT_ENCODER), spec.train().components());
        assertEquals(8, spec.train().epochs());
        assertEquals(1e-5, spec.train().learningRate());
        assertEquals(new Resolution(512, 768), spec.dataset().resolution());
        assertEquals(List.of(1L, 2L), spec.sample().seeds());
    }

    @Test
    void stringKeysTakeTheTextVerbatim() throws Exception {
        ExperimentSpec spec = load(spec(), "description=run: with a colon, [brackets] and # hash", "name=");
        assertEquals("run: with a colon, [brackets] and # hash", spec.description());
        assertEquals("", spec.name());
    }

    @Test
    void overridesApplyAfterExtendsAndInOrder() throws Exception {
        write(dir, "base.yaml", "seed: 3\n");
        Path child = write(dir, "child.yaml", "extends: base.yaml\nseed: 4\n");
        assertEquals(5L, load(child, "seed=9", "seed=5").seed());
    }

    @Test
    void sectionValueMergesIntoTheWrittenSection() throws Exception {
        ExperimentSpec spec = load(spec(), "train={batch_size: 2}");
        assertEquals(2, spec.train().batchSize());
        assertEquals(1, spec.train().epochs(), "keys the override leaves out stay as the file wrote them");
    }

    @Test
    void unknownKeyIsReportedWithTheSetPrefixAndASuggestion() {
        SpecIssue issue = only(issues(spec(), "train.epoch=3"));
        assertEquals("--set train.epoch: unknown key 'epoch'; did you mean 'epochs'?", issue.toString());
        assertEquals("--set dataset.resolutoin: unknown key 'resolutoin'; did you mean 'resolution'?",
                only(issues(spec(), "dataset.resolutoin.width=8")).toString());
    }

    @Test
    void keyPathBelowAScalarIsRejected() {
        assertEquals("--set train.epochs.max: 'train.epochs' is an integer, not a section with keys",
                only(issues(spec(), "train.epochs.max=3")).toString());
    }

    @Test
    void overrideWithoutEqualsSignIsRejected() {
        assertEquals("--set train.epochs: expected key.path=value (for example --set train.epochs=2)",
                only(issues(spec(), "train.epochs")).toString());
    }

    @Test
    void badValueIsReportedAgainstTheOverride() {
        assertEquals("--set train.epochs: expected an integer, got 'many'", only(issues(spec(), "train.epochs=many")).toString());
        assertEquals("--set train.optimizer: unknown value 'sgd'; expected one of: adamw, adamw8bit",
                only(issues(spec(), "train.optimizer=sgd")).toString());
        SpecIssue syntax = only(issues(spec(), "train.components=[unet"));
        assertEquals(SpecIssue.SET_OVERRIDE, syntax.file());
        assertEquals("train.components", syntax.keyPath());
    }

    @Test
    void emptyValueClearsAList() throws Exception {
        ExperimentSpec spec = load(spec(), "eval.metrics=");
        assertEquals(List.of(), spec.eval().metrics());
    }

    @Test
    void relativePathResolvesAgainstTheWorkingDirectory() throws Exception {
        Path work = Files.createDirectories(dir.resolve("cwd"));
        Path sd = Files.createDirectories(work.resolve("models/sd15"));
        Files.writeString(sd.resolve("model_index.json"), "{}");
        ExperimentSpec spec = SpecLoader.load(spec(), List.of("model.base=models/sd15"), new SpecLoader.Options(work, true));
        assertEquals(sd.toString(), spec.model().base());
    }

    @Test
    void fileAndOverrideIssuesAreReportedTogether() {
        Path bad = write(dir, "bad.yaml", "seed: -4\n");
        SpecException e = assertThrows(SpecException.class, () -> load(bad, "train.epoch=1"));
        assertEquals(List.of("seed", "train.epoch"), e.issues().stream().map(SpecIssue::keyPath).toList());
    }
}
