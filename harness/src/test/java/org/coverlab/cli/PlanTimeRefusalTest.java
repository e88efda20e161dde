package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.metrics.Extractors;
import org.coverlab.model.Reference;
import org.coverlab.util.ModelsDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every class of option this build or this machine cannot honour is refused when the run is planned, by
 * {@code spec check} and by {@code run} alike: exit 2, the reason naming the key, and no run folder (each of these
 * used to be found only after a run existed, or is a spec-level check kept here so the classes stay covered together).
 */
class PlanTimeRefusalTest {

    @TempDir
    Path cwd;

    @BeforeEach
    void spec() throws IOException {
        Files.writeString(cwd.resolve("spec.yaml"), """
                name: refusals
                dataset:
                  source: synthetic
                  path: covers
                  images: 8
                train:
                  components: [text_encoder]
                  epochs: 1
                sample:
                  prompts: ["a cover"]
                  seeds: [1]
                  every: end
                eval:
                  metrics: [fid]
                  images: 4
                  every: end
                """);
        // no converted Inception weights here, whatever the machine has
        System.setProperty(ModelsDir.PROPERTY, cwd.resolve("models").toString());
    }

    @AfterEach
    void clear() {
        System.clearProperty(ModelsDir.PROPERTY);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // the build: no CUDA natives, no autocast, no activation checkpointing in DJL
            "train.device=gpu                            | train.device is gpu | pytorch-native-cpu",
            "train.mixed_precision=bf16                  | train.mixed_precision | only 'no' is available",
            "train.gradient_checkpointing=true           | train.gradient_checkpointing | not available",
            // ranges and enums apply to each element of a list
            "sample.seeds=[1, 8589934592]                | sample.seeds[1] | between 0 and 2147483647",
            "eval.metrics=[fid, inception_score]         | eval.metrics | inception_score",
            // the model: clip skip beyond the text encoder's layers
            "model.clip_skip=4                           | model.clip_skip is 4 | has 4 layers",
            // evaluation it cannot do: no extractor weights, no validation rows to prompt with
            "eval.extractor=inception                    | eval.extractor is inception | FID Inception weights are not there",
            "dataset.validation_split=0                  | dataset.validation_split | evaluation is enabled",
            // a synthetic set the generator cannot write
            "dataset.image_pattern=covers/{i}.png        | dataset.image_pattern | images/images/{i}.jpg",
            "'dataset.resolution={width: 8, height: 8}'  | dataset.resolution | 16",
    })
    void isRefusedBeforeARunExists(String set, String key, String reason) {
        if (set.startsWith("eval.extractor")) {
            assumeTrue(Extractors.inceptionWeights("auto") == null, "COVERLAB_MODELS_DIR holds Inception weights");
        }
        for (List<String> command : List.of(List.of("spec", "check"), List.of("run"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("spec.yaml", "--set", set));
            InProcessCli.Result r = InProcessCli.coverlab(cwd, args.toArray(String[]::new));
            assertEquals(2, r.code(), r.all());
            assertTrue(r.err().contains(key) && r.err().contains(reason), "'" + key + "' / '" + reason + "' in\n" + r.all());
            assertFalse(r.err().contains("\tat "), r.all());
        }
        assertFalse(Files.exists(cwd.resolve("runs")), "no run folder");
        assertFalse(Files.exists(cwd.resolve("covers")), "no dataset generated");
    }

    /** A copy of the reference pipeline folder whose scheduler_config.json has {@code key} set to {@code value}. */
    private Path modelWithScheduler(String key, String value) throws IOException {
        Path target = Reference.copyOfModel("pipeline", cwd.resolve("model"));
        Path config = target.resolve("scheduler/scheduler_config.json");
        Files.writeString(config, Files.readString(config).replaceFirst("\"" + key + "\": [^,\n]+", "\"" + key + "\": " + value));
        return target;
    }

    @ParameterizedTest(name = "{0}={1} with {2}")
    @CsvSource(delimiter = '|', value = {
            // the model cannot honour the sampler: PNDM on a sample-predicting model, more steps than it was trained with
            "prediction_type     | '\"sample\"' | sample.scheduler=pndm | sample.scheduler pndm with sample.steps | PNDM supports prediction_type epsilon or v_prediction",
            "num_train_timesteps | 10            | sample.steps=50       | sample.scheduler ddim with sample.steps 50 | inference steps must be in 1..10",
    })
    void aSamplerTheModelCannotRunIsRefusedBeforeARunExists(String key, String value, String set, String what,
                                                           String reason) throws IOException {
        Path model = modelWithScheduler(key, value);
        for (List<String> command : List.of(List.of("spec", "check"), List.of("run"))) {
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("spec.yaml", "--set", "model.base=" + model, "--set", set));
            InProcessCli.Result r = InProcessCli.coverlab(cwd, args.toArray(String[]::new));
            assertEquals(2, r.code(), r.all());
            assertTrue(r.err().contains(what) && r.err().contains(reason), "'" + what + "' / '" + reason + "' in\n" + r.all());
        }
        assertFalse(Files.exists(cwd.resolve("runs")), "no run folder");
    }

    @org.junit.jupiter.api.Test
    void aDeviceThisBuildLacksIsRefusedEvenWithoutFileChecks() {
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "spec", "check", "spec.yaml", "--no-file-checks", "--set",
                "train.device=gpu");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("train.device is gpu"), r.all());
    }

    @org.junit.jupiter.api.Test
    void theSameSpecWithoutTheseOptionsPassesTheCheck() {
        InProcessCli.Result r = InProcessCli.coverlab(cwd, "spec", "check", "spec.yaml");
        assertEquals(0, r.code(), r.all());
    }
}
