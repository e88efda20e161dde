package org.coverlab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.coverlab.testsupport.Repository;
import org.junit.jupiter.api.Test;

/** The committed experiments load, and encode the facts of the original study. */
class ExperimentsTest {
    private static final Path EXPERIMENTS = Repository.root().resolve("experiments");

    private static ExperimentSpec load(String name, List<String> sets, boolean checkFiles) throws SpecException {
        return SpecLoader.load(EXPERIMENTS.resolve(name), sets, new SpecLoader.Options(EXPERIMENTS, checkFiles));
    }

    private static ExperimentSpec load(String name) throws SpecException {
        return load(name, List.of(), true);
    }

    @Test
    void everyCommittedSpecLoads() throws Exception {
        List<Path> specs;
        try (Stream<Path> walk = Files.walk(EXPERIMENTS)) {
            specs = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.equals(EXPERIMENTS.resolve("study.yaml"))).sorted().toList();
        }
        // experiments/study.yaml is the study of the five specs, not a spec
        StudyFile study = StudyLoader.load(EXPERIMENTS.resolve("study.yaml"));
        assertEquals(5, study.members().size(), study.members().toString());
        assertTrue(specs.size() >= 7, specs::toString);
        for (Path spec : specs) {
            ExperimentSpec loaded = SpecLoader.load(spec, List.of(), new SpecLoader.Options(EXPERIMENTS, true));
            assertTrue(Path.of(loaded.dataset().path()).isAbsolute(), spec + " resolved its dataset path");
        }
    }

    @Test
    void experimentsRunAtTinyScaleByDefault() throws Exception {
        for (String name : List.of("sd15-original.yaml", "unet-8ep-3000.yaml", "te-2ep-500.yaml", "te-8ep-5000.yaml", "te-2ep-6000.yaml", "quickstart.yaml")) {
            ExperimentSpec spec = load(name);
            assertTrue(spec.model().isTiny(), name);
            assertEquals(new Resolution(64, 96), spec.dataset().resolution(), name);
            assertEquals(DatasetSpec.Source.SYNTHETIC, spec.dataset().source(), name);
            assertEquals(EXPERIMENTS.getParent().resolve("datasets/synthetic-covers").toString(), spec.dataset().path(), name);
            assertTrue(spec.eval().images() <= 200 && spec.sample().steps() <= 10, name);
        }
    }

    @Test
    void studySharesTheOriginalTrainingAndSamplingSettingsWithTheEffectiveBatchAsOneMicroBatchAtTinyScale() throws Exception {
        for (String name : List.of("unet-8ep-3000.yaml", "te-2ep-500.yaml", "te-8ep-5000.yaml", "te-2ep-6000.yaml")) {
            ExperimentSpec spec = load(name);
            TrainSpec t = spec.train();
            // the original's effective batch of 8, run at tiny scale as one micro-batch of 8 (base/study.yaml)
            assertEquals(8, t.batchSize(), name);
            assertEquals(1, t.gradientAccumulation(), name);
            TrainSpec real = load(name, List.of("train.batch_size=1", "train.gradient_accumulation=8"), true).train();
            assertEquals(1, real.batchSize(), name + " with the real-scale overrides base/study.yaml names");
            assertEquals(8, real.gradientAccumulation(), name);
            assertEquals(5e-6, t.learningRate(), name);
            assertEquals(1e-3, t.weightDecay(), name);
            assertEquals(TrainSpec.Optimizer.ADAMW8BIT, t.optimizer(), name);
            assertEquals(TrainSpec.LrSchedule.COSINE, t.lrSchedule(), name);
            assertStudyGrid(spec, name);
        }
        assertStudyGrid(load("sd15-original.yaml"), "sd15-original.yaml");
    }

    private static void assertStudyGrid(ExperimentSpec spec, String name) {
        SampleSpec s = spec.sample();
        assertEquals(SampleSpec.Scheduler.DDIM, s.scheduler(), name);
        assertEquals(7.5, s.guidanceScale(), name);
        assertEquals(List.of(42L, 43L, 44L, 45L), s.seeds(), name);
        assertEquals(40, s.prompts().size(), name + ": ten templates by four test books");
        assertEquals(40, s.prompts().stream().distinct().count(), name);
    }

    @Test
    void eachExperimentIsWhatItsNameSays() throws Exception {
        assertExperiment("unet-8ep-3000.yaml", List.of(TrainSpec.Component.UNET), 8, 3000);
        assertExperiment("te-2ep-500.yaml", List.of(TrainSpec.Component.TEXT_ENCODER), 2, 500);
        assertExperiment("te-8ep-5000.yaml", List.of(TrainSpec.Component.TEXT_ENCODER), 8, 5000);
        assertExperiment("te-2ep-6000.yaml", List.of(TrainSpec.Component.TEXT_ENCODER), 2, 6000);
        ExperimentSpec baseline = load("sd15-original.yaml");
        assertFalse(baseline.trains());
        assertFalse(baseline.eval().metrics().isEmpty());
        assertTrue(load("quickstart.yaml").trains());
    }

    private static void assertExperiment(String file, List<TrainSpec.Component> components, int epochs, int images) throws Exception {
        ExperimentSpec spec = load(file);
        assertEquals(file.replace(".yaml", ""), spec.name());
        assertEquals(components, spec.train().components(), file);
        assertEquals(epochs, spec.train().epochs(), file);
        assertEquals(images, spec.dataset().images(), file);
    }

    @Test
    void descriptionsQuoteThePapersFid() throws Exception {
        assertTrue(load("te-2ep-500.yaml").description().contains("FID 34.976"));
        assertTrue(load("te-8ep-5000.yaml").description().contains("FID 57.785"));
    }

    @Test
    void documentedRealScaleOverridesGiveTheOriginalSettings() throws Exception {
        List<String> sets = documentedSets(EXPERIMENTS.resolve("base/study.yaml"));
        assertTrue(sets.contains("model.base=/path/to/stable-diffusion-v1-4"), sets::toString);
        ExperimentSpec real = load("te-8ep-5000.yaml", sets, false);
        assertEquals("/path/to/stable-diffusion-v1-4", real.model().base());
        assertEquals(DatasetSpec.Source.GOODREADS, real.dataset().source());
        assertEquals(new Resolution(512, 512), real.dataset().resolution());
        assertEquals(50, real.sample().steps());
        assertEquals(50, real.eval().steps());
        assertEquals(4000, real.eval().images());

        List<String> baselineSets = documentedSets(EXPERIMENTS.resolve("sd15-original.yaml"));
        assertEquals("/path/to/stable-diffusion-v1-5", load("sd15-original.yaml", baselineSets, false).model().base());
    }

    /**
     * The --set arguments of the first multi-line {@code scripts/run-experiment ... \\} command in a spec's comments,
     * so the documented real-scale command is tested, not just shown.
     */
    private static List<String> documentedSets(Path file) throws IOException {
        StringBuilder command = new StringBuilder();
        boolean inCommand = false;
        for (String line : Files.readAllLines(file)) {
            String text = line.strip().replaceFirst("^#\\s*", "");
            if (!inCommand && text.contains("scripts/run-experiment") && text.endsWith("\\")) {
                inCommand = true;
            }
            if (inCommand) {
                command.append(text, 0, text.endsWith("\\") ? text.length() - 1 : text.length()).append(' ');
                if (!text.endsWith("\\")) {
                    break;
                }
            }
        }
        Matcher m = Pattern.compile("--set (?:\"([^\"]*)\"|(\\S+))").matcher(command);
        List<String> sets = new ArrayList<>();
        while (m.find()) {
            sets.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return sets;
    }
}
