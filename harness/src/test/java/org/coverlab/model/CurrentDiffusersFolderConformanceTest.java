package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.model.pipeline.GeneratedImage;
import org.coverlab.model.pipeline.GenerationRequest;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.model.tokenizer.ClipTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A StableDiffusionPipeline folder exactly as diffusers 0.42 / transformers 5 save it (tokenizer/ holds only
 * tokenizer.json and tokenizer_config.json), with a VAE shift_factor, against that pipeline's own images
 * (scripts/refvectors/loader_configs.py).
 */
class CurrentDiffusersFolderConformanceTest {
    private static final String NAME = "pipeline_current";

    private static JsonNode spec() throws IOException {
        return ConfigJson.MAPPER.readTree(Files.readString(Reference.conformance("models/io/" + NAME + ".json")));
    }

    private static List<String> prompts(JsonNode spec) {
        List<String> prompts = new ArrayList<>();
        spec.get("prompts").forEach(p -> prompts.add(p.asText()));
        return prompts;
    }

    @Test
    void tokenizerFolderWithOnlyTokenizerJsonEncodesAsTransformers() throws IOException {
        Path folder = Reference.model(NAME).resolve("tokenizer");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("tokenizer.json", "tokenizer_config.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);
        List<String> prompts = prompts(spec());
        try (NDManager m = NDManager.newBaseManager()) {
            float[] expected = Reference.io(NAME, m).get("input_ids").toFloatArray();
            int length = expected.length / prompts.size();
            for (int i = 0; i < prompts.size(); i++) {
                int[] ids = tokenizer.encode(prompts.get(i)).ids();
                float[] actual = new float[ids.length];
                for (int j = 0; j < ids.length; j++) {
                    actual[j] = ids[j];
                }
                float[] row = new float[length];
                System.arraycopy(expected, i * length, row, 0, length);
                assertArrayEquals(row, actual, "token ids of '" + prompts.get(i) + "'");
            }
        }
    }

    /**
     * clip_skip 0 and 1; both decode latents / scaling_factor without shift_factor (0.1 here), and clip skip 1
     * applies to the prompt only, the unconditional "" keeping the last layer, as StableDiffusionPipeline does.
     */
    @ParameterizedTest
    @CsvSource({"0, images", "1, images_clip_skip_1"})
    void savedPipelineReproducesDiffusersImages(int clipSkip, String key) throws IOException {
        JsonNode spec = spec();
        List<String> prompts = prompts(spec);
        List<Long> seeds = new ArrayList<>();
        spec.get("seeds").forEach(s -> seeds.add(s.asLong()));
        int width = spec.get("width").asInt();
        int height = spec.get("height").asInt();
        GenerationRequest request = new GenerationRequest(prompts, seeds, spec.get("steps").asInt(),
                (float) spec.get("guidance_scale").asDouble(), SchedulerKind.DDIM, width, height, clipSkip, 4);
        try (NDManager m = NDManager.newBaseManager();
             TextToImagePipeline pipeline = TextToImagePipeline.load(Reference.model(NAME), m)) {
            assertEquals(0.1f, pipeline.models().vae().config().shiftFactor());
            List<GeneratedImage> images = pipeline.generate(request);
            float[] flat = new float[images.size() * width * height * 3];
            for (int i = 0; i < images.size(); i++) {
                System.arraycopy(images.get(i).rgb(), 0, flat, i * width * height * 3, width * height * 3);
            }
            NDArray actual = m.create(flat, new Shape(images.size(), height, width, 3));
            Reference.assertClose(actual, Reference.io(NAME, m).get(key), NAME + " images (clip skip " + clipSkip + ")");
        }
    }
}
