package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.model.pipeline.GeneratedImage;
import org.coverlab.model.pipeline.GenerationRequest;
import org.coverlab.model.pipeline.ImageGrid;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PipelineConformanceTest {

    /**
     * Tokenizer, CLIP, CFG against "", seeded latents, scheduler, UNet, VAE: the whole diffusers pipeline, 2 prompts
     * x 2 seeds. Euler covers init_noise_sigma and scale_model_input; PNDM SD1.5's default multistep scheduler.
     */
    @ParameterizedTest
    @CsvSource({"DDIM, images", "EULER, images_euler", "PNDM, images_pndm"})
    void pipelineWithGuidanceReproducesDiffusersImages(SchedulerKind scheduler, String key, @TempDir Path dir)
            throws IOException {
        JsonNode spec = ConfigJson.MAPPER.readTree(Files.readString(Reference.conformance("models/io/pipeline.json")));
        List<String> prompts = new ArrayList<>();
        spec.get("prompts").forEach(p -> prompts.add(p.asText()));
        List<Long> seeds = new ArrayList<>();
        spec.get("seeds").forEach(s -> seeds.add(s.asLong()));
        int width = spec.get("width").asInt();
        int height = spec.get("height").asInt();
        // batch size 3 splits the four images unevenly across two UNet batches: batching must not change results
        GenerationRequest request = new GenerationRequest(prompts, seeds, spec.get("steps").asInt(),
                (float) spec.get("guidance_scale").asDouble(), scheduler, width, height, 0, 3);
        try (NDManager m = NDManager.newBaseManager();
             TextToImagePipeline pipeline = TextToImagePipeline.load(Reference.model("pipeline"), m)) {
            List<GeneratedImage> images = pipeline.generate(request);
            assertEquals(prompts.size() * seeds.size(), images.size());
            Map<String, NDArray> io = Reference.io("pipeline", m);
            float[] flat = new float[images.size() * width * height * 3];
            for (int i = 0; i < images.size(); i++) {
                System.arraycopy(images.get(i).rgb(), 0, flat, i * width * height * 3, width * height * 3);
                assertEquals(prompts.get(i / seeds.size()), images.get(i).prompt());
                assertEquals(seeds.get(i % seeds.size()), images.get(i).seed());
            }
            NDArray actual = m.create(flat, new Shape(images.size(), height, width, 3));
            Reference.assertClose(actual, io.get(key), "pipeline images (" + scheduler.key() + ", cfg 3)");

            Path png = dir.resolve("grid.png");
            ImageGrid.writePng(png, images, prompts.size(), seeds.size());
            BufferedImage grid = ImageIO.read(png.toFile());
            assertEquals(seeds.size() * width + (seeds.size() - 1) * ImageGrid.GUTTER, grid.getWidth());
            assertEquals(prompts.size() * height + (prompts.size() - 1) * ImageGrid.GUTTER, grid.getHeight());
            assertEquals(images.get(3).toBufferedImage().getRGB(5, 7),
                    grid.getRGB(width + ImageGrid.GUTTER + 5, height + ImageGrid.GUTTER + 7));
        }
    }
}
