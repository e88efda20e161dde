package org.coverlab.stages.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.model.inception.FidInceptionV3;
import org.coverlab.model.inception.ReferenceWeights;
import org.coverlab.run.Cancellation;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunStatus;
import org.coverlab.run.Runner;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecLoader;
import org.coverlab.stages.ModelSource;
import org.coverlab.stages.Pipeline;
import org.coverlab.stages.StageRuns;
import org.coverlab.testsupport.Repository;
import org.coverlab.util.Sha256;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study spec ({@code experiments/sd15-original.yaml}, whose {@code eval.extractor} is {@code auto}) given a converted
 * FID Inception file reports standard {@code fid}, {@code kid} and {@code kid_std}, never the cover-feature names, and
 * records the file's SHA-256 as the extractor's weights. The file here holds the deterministic reference weights the
 * conformance vectors use, saved under the key names {@code scripts/convert_fid_inception.py} writes; the study spec
 * is scaled down with {@code --set} (few images, 2 steps, the tiny model's seeded initialisation), so the numbers
 * are not meaningful, only where they go.
 */
class EvaluateInceptionTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void tinyInit() {
        System.setProperty(ModelSource.TINY_PROPERTY, ModelSource.TINY_INIT);
    }

    @AfterAll
    static void backToTheDefaultBase() {
        System.clearProperty(ModelSource.TINY_PROPERTY);
    }

    @Test
    void aStudySpecWithConvertedInceptionWeightsReportsStandardFidAndKid() throws Exception {
        Path weights = dir.resolve("pt_inception-2015-12-05-6726825d.safetensors");
        try (NDManager m = NDManager.newBaseManager(); FidInceptionV3 inception = FidInceptionV3.reference(m, ReferenceWeights.SEED)) {
            inception.save(weights);
        }
        Path experiments = Repository.experiments();
        List<String> sets = new ArrayList<>(List.of(
                "dataset.path=" + dir.resolve("covers"),
                "dataset.synthetic_covers=40",
                "dataset.resolution={width: 32, height: 48}",
                "sample.every=never",
                "eval.images=4",
                "eval.steps=2",
                "eval.batch_size=2",
                "eval.inception_weights=" + weights));
        ExperimentSpec spec = SpecLoader.load(experiments.resolve("sd15-original.yaml"), sets,
                new SpecLoader.Options(experiments, true));
        assertEquals("auto", spec.eval().extractor().key(), "the study specs leave the choice to auto");

        StageRuns runs = new StageRuns(dir.resolve("runs"));
        Runner.Outcome outcome = runs.run(spec, Pipeline.standard().plan(spec, List.of()), new Cancellation());
        assertEquals(RunStatus.FINISHED, outcome.status(), outcome.error() + "\n" + runs.console);

        RunDir run = runs.store.find(outcome.runId());
        JsonNode record = RunJson.mapper().readTree(run.eval().resolve("base").resolve(EvaluateProbe.RECORD).toFile());
        List<String> metrics = new ArrayList<>();
        record.get("metrics").fieldNames().forEachRemaining(metrics::add);
        assertEquals(List.of("fid", "kid", "kid_std"), metrics.stream().sorted().toList(), record.toPrettyString());
        assertTrue(Double.isFinite(record.get("metrics").get("fid").asDouble()), record.toPrettyString());
        assertEquals(2048, record.get("extractor").get("dims").asInt(), record.toPrettyString());
        assertEquals(Sha256.ofFile(weights), record.get("extractor").get("weights_sha256").asText(), record.toPrettyString());
        assertEquals(4, record.get("images").asInt());
        String console = runs.console.toString();
        assertTrue(!console.contains("fid_cover") && !console.contains("not standard FID"), console);
    }
}
