package org.coverlab.stages.sample;

import org.coverlab.stages.ModelSource;
import org.coverlab.stages.StageRuns;
import org.coverlab.stages.prepare.PrepareDataStage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.io.NDArrays;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorEntry;
import org.coverlab.model.tokenizer.BpeTrainer;
import org.coverlab.model.tokenizer.ClipTokenizer;
import org.coverlab.model.tokenizer.Encoding;
import org.coverlab.run.Cancellation;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunStatus;
import org.coverlab.run.Runner;
import org.coverlab.run.Stage;
import org.coverlab.stages.Pipeline;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.run.RunEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample stage end to end through the Runner on the tiny model's seeded random initialisation
 * ({@code coverlab.tiny.model=init}: these tests are about the stage, not the weights) at 32x48 with 2 DDIM steps
 * (latents 1x4x12x8, the shape of the committed torch.randn conformance vectors): one uninterrupted run is the
 * reference every other test compares with.
 */
class SampleStageTest {

    private static final int PROMPTS = 3;

    @TempDir
    static Path dir;
    static StageRuns runs;
    static ExperimentSpec spec;
    static RunDir reference;

    @BeforeAll
    static void drawReferenceGrid() throws Exception {
        System.setProperty(ModelSource.TINY_PROPERTY, ModelSource.TINY_INIT);
        spec = StageRuns.spec(dir, StageRuns.gridYaml("synth", PROMPTS));
        runs = new StageRuns(dir.resolve("runs"));
        List<Stage> plan = Pipeline.standard().plan(spec, List.of());
        assertEquals(List.of(PrepareDataStage.NAME, SampleStage.NAME), plan.stream().map(Stage::name).toList(),
                "a spec that only samples runs prepare_data and sample, and needs no report");
        Runner.Outcome outcome = runs.run(spec, plan, new Cancellation());
        assertEquals(RunStatus.FINISHED, outcome.status(), outcome.error());
        reference = runs.store.find(outcome.runId());
    }

    @AfterAll
    static void backToTheDefaultBase() {
        System.clearProperty(ModelSource.TINY_PROPERTY);
    }

    private static Path base(RunDir run) {
        return run.samples().resolve("base");
    }

    private static JsonNode gridJson(RunDir run) throws Exception {
        return RunJson.mapper().readTree(base(run).resolve(GridSampler.GRID_JSON).toFile());
    }

    private static List<RunEvent> events(RunDir run) throws Exception {
        return Journal.read(run.journal()).stream().map(JournalRecord::event).toList();
    }

    @Test
    void theGridHasAPromptRowPerPromptAndASeedColumnPerSeed() throws Exception {
        BufferedImage grid = ImageIO.read(base(reference).resolve("grid.png").toFile());
        assertEquals(2 * 32 + 2, grid.getWidth(), "two seed columns of 32 px and a 2 px gutter");
        assertEquals(PROMPTS * 48 + (PROMPTS - 1) * 2, grid.getHeight());
        JsonNode json = gridJson(reference);
        assertEquals("base", json.get("label").asText());
        assertEquals(0, json.get("step").asLong());
        assertEquals("ddim", json.get("scheduler").asText());
        assertEquals(2, json.get("steps").asInt());
        assertEquals(7.5, json.get("guidanceScale").asDouble());
        assertEquals(PROMPTS, json.get("files").size());
        for (JsonNode row : json.get("files")) {
            for (JsonNode file : row) {
                BufferedImage img = ImageIO.read(base(reference).resolve(file.asText()).toFile());
                assertEquals(32, img.getWidth());
                assertEquals(48, img.getHeight());
            }
        }
        List<RunEvent> events = events(reference);
        RunEvent.Image image = (RunEvent.Image) events.stream().filter(e -> e instanceof RunEvent.Image).findFirst().orElseThrow();
        assertEquals("samples/base/grid.png", image.path());
        assertTrue(image.caption().contains("model.pretrained=false"), image.caption());
        assertTrue(events.stream().anyMatch(e -> e instanceof RunEvent.Metrics m && m.values().containsKey("sample/seconds_per_image")));
    }

    @Test
    void theRandomlyInitialisedTinyModelIsNeverPassedOffAsPretrained() throws Exception {
        JsonNode model = gridJson(reference).get("model");
        assertFalse(model.get("pretrained").asBoolean());
        assertEquals("tiny", model.get("base").asText());
        assertEquals(ModelSource.hashLoadedFiles(ModelSource.tinyInitFolder(reference.path().getParent())),
                model.get("weightsSha256").asText());
        Map<String, Object> summary = events(reference).stream().filter(e -> e instanceof RunEvent.Summary)
                .map(e -> ((RunEvent.Summary) e).values()).filter(v -> v.containsKey("model.pretrained")).findFirst().orElseThrow();
        assertEquals(false, summary.get("model.pretrained"));
        assertTrue(Files.readString(reference.log()).contains("model.pretrained=false"));
    }

    @Test
    void runsShareOneTinyInitFolderInsteadOfCopyingTheModelIntoEachRun() throws Exception {
        Runner.Outcome outcome = runs.run(spec, Pipeline.standard().plan(spec, List.of(SampleStage.NAME)), new Cancellation());
        assertEquals(RunStatus.FINISHED, outcome.status(), outcome.error());
        Path second = runs.store.find(outcome.runId()).path();
        Path shared = ModelSource.tinyInitFolder(reference.path().getParent());
        assertEquals(shared.toString(), gridJson(reference).get("model").get("folder").asText());
        assertEquals(gridJson(reference).get("model"), gridJson(runs.store.find(outcome.runId())).get("model"));
        assertFalse(Files.exists(reference.path().resolve("model")) || Files.exists(second.resolve("model")),
                "no model copy inside a run folder");
        List<Path> files = relativeFiles(shared);
        assertTrue(files.contains(Path.of("tokenizer/merges.txt")) && files.contains(Path.of("unet/diffusion_pytorch_model.safetensors")), files.toString());
        assertTrue(Files.readString(reference.log()).contains("learnt the tiny model's BPE vocabulary"));
    }

    @Test
    void aPromptLongerThan75BytesIsTokenizedIntoWordsNotCutAt75Bytes() throws Exception {
        ClipTokenizer tokenizer = ClipTokenizer.load(ModelSource.tinyInitFolder(reference.path().getParent()).resolve("tokenizer"));
        assertTrue(tokenizer.vocabSize() > BpeTrainer.BASE_VOCAB_SIZE + 1000 && tokenizer.vocabSize() <= TinyPreset.VOCAB_SIZE,
                "a learnt vocabulary of at most the preset's size: " + tokenizer.vocabSize());
        String prompt = "A book cover with author Arthur Conan Doyle, book title The Adventures of Sherlock Holmes";
        assertTrue(prompt.getBytes(StandardCharsets.UTF_8).length > 75);
        Encoding encoding = tokenizer.encode(prompt);
        assertEquals(TinyPreset.MAX_TOKENS, encoding.ids().length, "padded to 77 positions");
        assertFalse(encoding.truncated(), "the whole prompt fits in 77 tokens");
        assertEquals(prompt.toLowerCase(Locale.ROOT).replace(",", " ,"), tokenizer.decode(encoding.ids(), true),
                "nothing is cut, the tail (\"sherlock holmes\") included");
        List<String> tokens = tokenizer.tokenize(prompt);
        for (String word : List.of("book", "cover", "with", "author", "title", "the", "sherlock", "holmes")) {
            assertTrue(tokens.contains(word + "</w>"), word + " is one token: " + tokens);
        }
        assertTrue(tokens.size() < 20, "word-level pieces, not one token per byte: " + tokens.size() + " " + tokens);

        // a caption outside the corpus still encodes whole, in pieces far larger than bytes
        String unseen = "A gothic book cover for The Lighthouse Keepers of Salt Harbor by Søren Whitaker, with a lonely tower";
        Encoding other = tokenizer.encode(unseen);
        assertFalse(other.truncated());
        assertEquals(unseen.toLowerCase(Locale.ROOT).replace(",", " ,"), tokenizer.decode(other.ids(), true));
        int pieces = tokenizer.tokenize(unseen).size();
        assertTrue(pieces < unseen.getBytes(StandardCharsets.UTF_8).length / 3, pieces + " tokens");
    }

    private static List<Path> relativeFiles(Path root) throws Exception {
        try (var walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void initialLatentsAreTorchManualSeedRandnForEachSeed() throws Exception {
        JsonNode json = gridJson(reference);
        assertEquals(List.of(1L, 4L, 12L, 8L), List.of(json.get("latentShape").get(0).asLong(),
                json.get("latentShape").get(1).asLong(), json.get("latentShape").get(2).asLong(), json.get("latentShape").get(3).asLong()));
        Path vectors = Path.of(Objects.requireNonNull(getClass().getResource("/conformance/schedulers/vectors.safetensors")).toURI());
        try (NDManager m = NDManager.newBaseManager()) {
            for (String seed : List.of("42", "0")) {
                TensorEntry expected = SafeTensors.readAll(vectors).stream()
                        .filter(t -> t.name().equals("latents." + seed + ".1x4x12x8")).findFirst().orElseThrow();
                assertEquals(GridSampler.floatsSha256(NDArrays.toFloat32(m, expected).toFloatArray()),
                        json.get("initialLatentsSha256").get(seed).asText(), "seed " + seed + " vs torch.manual_seed; torch.randn");
            }
        }
    }

    @Test
    void anInterruptedGridResumesAtItsNextRowAndComesOutByteIdentical() throws Exception {
        Cancellation cancellation = new Cancellation();
        SampleStage stopsAfterFirstRow = new SampleStage(rows -> {
            if (rows == 1) {
                cancellation.cancel("test: killed after the first row");
            }
        });
        Runner.Outcome killed = runs.run(spec, StageRuns.plan(spec, stopsAfterFirstRow), cancellation);
        assertEquals(RunStatus.KILLED, killed.status());
        RunDir run = runs.store.find(killed.runId());
        Path firstRow = base(run).resolve(GridSampler.imageFile(0, 42));
        assertTrue(Files.isRegularFile(firstRow));
        assertFalse(Files.exists(base(run).resolve(GridSampler.imageFile(1, 42))));
        FileTime marked = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(firstRow, marked);

        Runner.Outcome resumed = runs.resume(killed.runId(), spec, StageRuns.plan(spec));
        assertEquals(RunStatus.FINISHED, resumed.status(), resumed.error());
        assertEquals(marked, Files.getLastModifiedTime(firstRow), "the finished row is not drawn again");
        assertArrayEquals(Files.readAllBytes(base(reference).resolve("grid.png")), Files.readAllBytes(base(run).resolve("grid.png")),
                "same spec, same grid bytes, interrupted or not");
        assertEquals(1, events(run).stream().filter(e -> e instanceof RunEvent.Image).count(), "the grid is journaled once");
        assertTrue(Files.readString(run.log()).contains("resuming grid base at prompt row 2 of 3"));
    }

    @Test
    void aConfiguredPretrainedTinyFolderIsLoadedAndReportedAsPretrained() throws Exception {
        System.setProperty(ModelSource.TINY_PROPERTY, ModelSource.tinyInitFolder(reference.path().getParent()).toString());
        try {
            Runner.Outcome outcome = runs.run(spec, Pipeline.standard().plan(spec, List.of(SampleStage.NAME)), new Cancellation());
            assertEquals(RunStatus.FINISHED, outcome.status(), outcome.error());
            RunDir run = runs.store.find(outcome.runId());
            assertTrue(gridJson(run).get("model").get("pretrained").asBoolean());
            assertFalse(Files.exists(run.path().resolve("model")), "no random init is written");
            assertArrayEquals(Files.readAllBytes(base(reference).resolve("grid.png")), Files.readAllBytes(base(run).resolve("grid.png")),
                    "the same weights from another folder draw the same grid");
        } finally {
            System.setProperty(ModelSource.TINY_PROPERTY, ModelSource.TINY_INIT);
        }
    }

    @Test
    void aDiffusersFolderBaseLoadsItsOwnWeights() throws Exception {
        Path folder = Path.of(Objects.requireNonNull(getClass().getResource("/conformance/models/pipeline")).toURI());
        String yaml = StageRuns.gridYaml("synth", 1).replace("model: {base: tiny}", "model: {base: \"" + folder + "\"}")
                .replace("resolution: {width: 32, height: 48}", "resolution: {width: 16, height: 16}");
        ExperimentSpec diffusers = StageRuns.spec(dir, yaml);
        Runner.Outcome outcome = runs.run(diffusers, Pipeline.standard().plan(diffusers, List.of(SampleStage.NAME)),
                new Cancellation());
        assertEquals(RunStatus.FINISHED, outcome.status(), outcome.error());
        RunDir run = runs.store.find(outcome.runId());
        JsonNode model = gridJson(run).get("model");
        assertTrue(model.get("pretrained").asBoolean());
        assertEquals(folder.toString(), model.get("folder").asText());
        assertEquals(ModelSource.hashLoadedFiles(folder), model.get("weightsSha256").asText());
        assertFalse(Files.exists(run.path().resolve("model")));
        BufferedImage image = ImageIO.read(base(run).resolve(GridSampler.imageFile(0, 42)).toFile());
        assertEquals(16, image.getWidth());
        assertEquals(16, image.getHeight());
    }
}
