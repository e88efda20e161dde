package org.coverlab.spec;

import static org.coverlab.spec.SpecTestFiles.issues;
import static org.coverlab.spec.SpecTestFiles.load;
import static org.coverlab.spec.SpecTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {
    @TempDir
    Path dir;

    private Path spec(String yaml) {
        return write(dir, "spec.yaml", yaml);
    }

    private static SpecIssue only(List<SpecIssue> issues) {
        assertEquals(1, issues.size(), () -> "expected one issue, got " + issues);
        return issues.get(0);
    }

    @Test
    void missingKeysTakeTheRecordDefaults() throws Exception {
        ExperimentSpec spec = load(spec("name: x\n"));
        ExperimentSpec expected = SpecValues.with(
                SpecValues.with(ExperimentSpec.DEFAULT, "name", "x"),
                "dataset.path", dir.resolve("../datasets/synthetic-covers").normalize().toString());
        assertEquals(expected, spec);
    }

    @Test
    void partlyGivenSectionKeepsTheDefaultsOfKeysItLeavesOut() throws Exception {
        ExperimentSpec spec = load(spec("""
                train:
                  epochs: 3
                  components: [unet]
                dataset:
                  resolution:
                    height: 128
                """));
        assertEquals(3, spec.train().epochs());
        assertEquals(TrainSpec.DEFAULT.learningRate(), spec.train().learningRate());
        assertEquals(TrainSpec.DEFAULT.optimizer(), spec.train().optimizer());
        assertEquals(new Resolution(64, 128), spec.dataset().resolution());
        assertEquals(DatasetSpec.DEFAULT.captions(), spec.dataset().captions());
    }

    @Test
    void valuesOfEveryKindAreBound() throws Exception {
        ExperimentSpec spec = load(spec("""
                seed: 7
                train:
                  components: [unet, text_encoder]
                  epochs: 2
                  learning_rate: 5e-6
                  weight_decay: 0.01
                  ema: true
                  lr_schedule: linear
                sample:
                  seeds: [1, 2, 2147483647]
                  prompts: ["a: b", plain text]
                  scheduler: DDIM
                tracking:
                  backends: [local, mlflow]
                  entity:
                """));
        assertEquals(7L, spec.seed());
        assertEquals(List.of(TrainSpec.Component.UNET, TrainSpec.Component.TEXT_ENCODER), spec.train().components());
        assertEquals(5e-6, spec.train().learningRate());
        assertEquals(0.01, spec.train().weightDecay());
        assertTrue(spec.train().ema());
        assertEquals(TrainSpec.LrSchedule.LINEAR, spec.train().lrSchedule());
        assertEquals(List.of(1L, 2L, 2_147_483_647L), spec.sample().seeds());
        assertEquals(List.of("a: b", "plain text"), spec.sample().prompts());
        assertEquals(SampleSpec.Scheduler.DDIM, spec.sample().scheduler(), "enum values are case-insensitive");
        assertEquals(List.of(TrackingSpec.Backend.LOCAL, TrackingSpec.Backend.MLFLOW), spec.tracking().backends());
        assertEquals("", spec.tracking().entity(), "an empty string value is the empty string");
    }

    @Test
    void enumWordThatYaml11ReadsAsBooleanStillBindsAsTheEnum() throws Exception {
        assertEquals(TrainSpec.MixedPrecision.NO, load(spec("train:\n  mixed_precision: no\n")).train().mixedPrecision());
        assertEquals(TrainSpec.MixedPrecision.NO, load(spec("train:\n  mixed_precision: \"no\"\n")).train().mixedPrecision());
    }

    @Test
    void unknownKeySuggestsTheClosestSpellingAtItsLine() {
        SpecIssue issue = only(issues(spec("""
                name: x
                train:
                  epoch: 3
                """)));
        assertEquals(3, issue.line());
        assertEquals("train.epoch", issue.keyPath());
        assertEquals("unknown key 'epoch'; did you mean 'epochs'?", issue.message());
        assertEquals(dir.resolve("spec.yaml") + ":3: train.epoch: unknown key 'epoch'; did you mean 'epochs'?", issue.toString());
    }

    @Test
    void camelCaseKeySuggestsItsSnakeCaseSpelling() {
        assertEquals("unknown key 'batchSize'; did you mean 'batch_size'?",
                only(issues(spec("train:\n  batchSize: 2\n"))).message());
    }

    @Test
    void unknownKeyFarFromAnyKeyListsTheKeysOfItsSection() {
        String message = only(issues(spec("model:\n  weights: /x\n"))).message();
        assertEquals("unknown key 'weights'; expected one of: base, clip_skip", message);
    }

    @Test
    void wrongScalarTypeNamesTheExpectedType() {
        SpecIssue issue = only(issues(spec("train:\n  epochs: abc\n")));
        assertEquals("train.epochs", issue.keyPath());
        assertEquals("expected an integer, got 'abc'", issue.message());
        assertEquals("expected an integer, got '1.5'", only(issues(spec("train:\n  epochs: 1.5\n"))).message());
        assertEquals("expected a number, got 'fast'", only(issues(spec("train:\n  learning_rate: fast\n"))).message());
        assertEquals("expected true or false, got 'maybe'", only(issues(spec("train:\n  ema: maybe\n"))).message());
        assertEquals("expected a finite number, got '.inf'", only(issues(spec("train:\n  max_grad_norm: .inf\n"))).message());
        assertEquals("has no value; expected an integer", only(issues(spec("train:\n  epochs:\n"))).message());
        assertEquals("expected an integer, got '1e9999999999'", only(issues(spec("train:\n  epochs: 1e9999999999\n"))).message());
        assertEquals("expected a finite number, got '1e400'", only(issues(spec("train:\n  learning_rate: 1e400\n"))).message());
    }

    @Test
    void wholeNumberWrittenWithAnExponentIsAnInteger() throws Exception {
        assertEquals(1000, load(spec("dataset:\n  images: 1e3\n")).dataset().images());
        assertEquals(1000, load(spec("dataset:\n  images: 1_000\n")).dataset().images());
    }

    @Test
    void collectionWhereAScalarBelongsIsATypeError() {
        assertEquals("expected a string, got a map", only(issues(spec("name: {a: 1}\n"))).message());
        assertEquals("expected an integer, got a list", only(issues(spec("seed: [1]\n"))).message());
        assertTrue(only(issues(spec("train: 5\n"))).message().startsWith("expected a section (a map of keys: components, epochs,"));
    }

    @Test
    void scalarWhereAListBelongsSuggestsTheListSpelling() {
        SpecIssue issue = only(issues(spec("train:\n  components: unet\n  epochs: 1\n")));
        assertEquals("expected a list of values (unet, text_encoder), got 'unet' (write [unet] for a single item)", issue.message());
    }

    @Test
    void badEnumValueListsTheAllowedValues() {
        SpecIssue issue = only(issues(spec("train:\n  optimizer: adam\n")));
        assertEquals("train.optimizer", issue.keyPath());
        assertEquals("unknown value 'adam'; expected one of: adamw, adamw8bit (did you mean 'adamw'?)", issue.message());
        SpecIssue inList = only(issues(spec("eval:\n  metrics: [fid, is]\n")));
        assertEquals("eval.metrics[1]", inList.keyPath());
        assertEquals("unknown value 'is'; expected one of: fid, kid", inList.message());
    }

    @Test
    void enumListGivingAValueTwiceIsRejected() {
        SpecIssue issue = only(issues(spec("train:\n  epochs: 1\n  components: [unet, unet]\n")));
        assertEquals("train.components[1]", issue.keyPath());
        assertEquals("lists 'unet' more than once", issue.message());
    }

    @Test
    void numbersOutsideTheirRangeNameTheRange() {
        assertEquals("must be between 0 and 1, got 2", only(issues(spec("train:\n  learning_rate: 2\n"))).message());
        assertEquals("must be at least 0, got -1", only(issues(spec("seed: -1\n"))).message());
        assertEquals("must be at least 0, got -0.5", only(issues(spec("train:\n  max_grad_norm: -0.5\n"))).message());
        assertEquals("must be between 1 and 4096, got 0", only(issues(spec("train:\n  batch_size: 0\n"))).message());
        assertEquals("must be at least 0, got 3000000000", only(issues(spec("dataset:\n  images: -3000000000\n"))).message()
                .replace("-", ""));
        assertEquals("must be at most 2147483647, got 3000000000",
                only(issues(spec("train:\n  warmup_steps: 3000000000\n"))).message());
    }

    @Test
    void resolutionSidesMustBeMultiplesOf8() {
        SpecIssue issue = only(issues(spec("dataset:\n  resolution:\n    width: 60\n    height: 96\n")));
        assertEquals("dataset.resolution.width", issue.keyPath());
        assertEquals(3, issue.line());
        assertEquals("must be a multiple of 8 (the VAE downsamples by 8), got 60; try 56 or 64", issue.message());
    }

    @Test
    void everyIssueIsReportedNotJustTheFirst() {
        List<SpecIssue> all = issues(spec("""
                name: x
                seeed: 1
                train:
                  epochs: lots
                  optimizer: sgd
                sample:
                  guidance_scale: 100
                dataset:
                  resolution: {width: 63, height: 96}
                """));
        assertEquals(List.of("seeed", "train.epochs", "train.optimizer", "sample.guidance_scale", "dataset.resolution.width"),
                all.stream().map(SpecIssue::keyPath).toList());
        assertEquals(List.of(2, 4, 5, 7, 9), all.stream().map(SpecIssue::line).toList());
        SpecException e = assertThrows(SpecException.class, () -> load(dir.resolve("spec.yaml")));
        assertEquals(5, e.getMessage().lines().count(), "the message lists the issues one per line");
    }

    @Test
    void syntaxErrorReportsTheParsersLineAndColumn() {
        SpecIssue issue = only(issues(spec("""
                name: x
                train:
                  epochs: 2
                    batch_size: 4
                """)));
        assertEquals(4, issue.line());
        assertTrue(issue.message().startsWith("invalid YAML at column 15: mapping values are not allowed here"), issue.message());
    }

    @Test
    void unclosedFlowListNamesWhereItStarted() {
        SpecIssue issue = only(issues(spec("sample:\n  seeds: [1, 2\nname: x\n")));
        assertTrue(issue.message().contains("started at line 2"), issue.message());
    }

    @Test
    void emptyFileSaysWhatASpecIs() {
        SpecIssue issue = only(issues(spec("# only a comment\n")));
        assertEquals("is empty; a spec is a YAML map of keys such as name, model, dataset, train, sample, eval", issue.message());
    }

    @Test
    void topLevelThatIsNotAMapIsRejected() {
        assertTrue(only(issues(spec("- a\n- b\n"))).message().startsWith("the top level must be a map of keys"));
        assertTrue(only(issues(spec("just words\n"))).message().endsWith("got 'just words'"));
    }

    @Test
    void duplicateKeyNamesTheFirstLine() {
        SpecIssue issue = only(issues(spec("name: a\nseed: 1\nname: b\n")));
        assertEquals(3, issue.line());
        assertEquals("duplicate key (first given at line 1)", issue.message());
    }

    @Test
    void severalYamlDocumentsAreRejected() {
        assertTrue(only(issues(spec("name: a\n---\nname: b\n"))).message().startsWith("holds more than one YAML document"));
    }

    @Test
    void missingSpecFileIsAnIssueNotAStackTrace() {
        SpecIssue issue = only(issues(dir.resolve("nope.yaml")));
        assertEquals("spec file does not exist", issue.message());
    }

    @Test
    void folderGivenAsSpecIsReported() {
        assertEquals("is a folder; expected a spec file (.yaml)", only(issues(dir)).message());
    }

    @Test
    void nonUtf8FileIsReported() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});
        assertEquals("is not UTF-8 text", only(issues(file)).message());
    }

    @Test
    void loadTextAnchorsRelativePathsAtTheGivenFile() throws Exception {
        ExperimentSpec spec = SpecLoader.loadText("dataset:\n  path: data\n", dir.resolve("sub/run.yaml"), List.of(),
                SpecLoader.Options.defaults());
        assertEquals(dir.resolve("sub/data").toString(), spec.dataset().path());
    }

    @Test
    void anchorsOnSectionsAndListsResolve() throws Exception {
        ExperimentSpec spec = load(spec("""
                sample:
                  seeds: &seeds [7, 8]
                tracking: &t
                  project: p
                """));
        assertEquals(List.of(7L, 8L), spec.sample().seeds());
        assertEquals("p", spec.tracking().project());
    }

    @Test
    void aliasOfAScalarAnchorIsExplainedNotMisread() {
        SpecIssue issue = only(issues(spec("name: &n hello\ndescription: *n\n")));
        assertEquals("description", issue.keyPath());
        assertTrue(issue.message().startsWith("alias *n cannot be resolved"), issue.message());
    }

    @Test
    void yamlMergeKeyPointsToExtends() {
        assertEquals("unknown key '<<'; YAML merge keys are not supported, use extends: base.yaml",
                only(issues(spec("eval: &e\n  steps: 3\nsample:\n  <<: *e\n"))).message());
    }

    @Test
    void binaryValuesAndComplexKeysAreRejectedClearly() {
        assertEquals("binary (!!binary) values are not supported in a spec", only(issues(spec("name: !!binary aGVsbG8=\n"))).message());
        assertTrue(only(issues(spec("? [a, b]\n: c\n"))).message().endsWith("keys must be plain scalars (a list or map used as a key is not a spec key)"));
    }

    @Test
    void aListsRangeAppliesToEachElementSoASeedOutsideTorchsRangeIsRefusedByTheLoader() {
        SpecIssue issue = only(issues(spec("sample:\n  seeds: [42, 8589934592]\n")));
        assertEquals("sample.seeds[1]", issue.keyPath());
        assertTrue(issue.message().contains("must be between 0 and 2147483647, got 8589934592"), issue.message());
        assertEquals(1, issues(spec("sample:\n  seeds: [-1, 0]\n")).size());
    }
}
