package org.coverlab.model;

import ai.djl.ndarray.NDManager;
import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.model.pipeline.GeneratedImage;
import org.coverlab.model.pipeline.GenerationRequest;
import org.coverlab.model.pipeline.ImageGrid;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.model.tokenizer.BpeTrainer;
import org.coverlab.model.tokenizer.TrainedVocabulary;
import org.coverlab.spec.Resolution;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TinyPresetTest {
    @TempDir
    static Path dir;
    static Path folder;

    @BeforeAll
    static void writeTinyFolder() {
        folder = dir.resolve("tiny");
        TinyPreset.writeFolder(folder, Reference.conformance("tokenizer/clip-small"), 7);
    }

    private static GenerationRequest request(int steps) {
        Resolution r = TinyPreset.RESOLUTION;
        return new GenerationRequest(List.of("A book cover with author Jane Austen, book title Pride and Prejudice",
                "a painting of a lighthouse at night"), List.of(1L, 2L), steps, 7.5f, SchedulerKind.DDIM,
                r.width(), r.height(), 0, 4);
    }

    /** Random-init output is noise-like by design; this proves the full path runs at 64x96 and writes a grid. */
    @Test
    void tinyFolderGeneratesAPromptBySeedGridOnCpu() throws IOException {
        try (NDManager m = NDManager.newBaseManager(); TextToImagePipeline pipeline = TextToImagePipeline.load(folder, m)) {
            List<GeneratedImage> images = pipeline.generate(request(2));
            Path png = dir.resolve("grid.png");
            ImageGrid.writePng(png, images, 2, 2);
            BufferedImage grid = ImageIO.read(png.toFile());
            assertEquals(2 * 64 + ImageGrid.GUTTER, grid.getWidth());
            assertEquals(2 * 96 + ImageGrid.GUTTER, grid.getHeight());
            for (GeneratedImage img : images) {
                assertEquals(64, img.width());
                assertEquals(96, img.height());
                for (float v : img.rgb()) {
                    assertTrue(v >= 0f && v <= 1f, "pixel outside [0, 1]: " + v);
                }
            }
            assertFalse(Arrays.equals(images.get(0).rgb(), images.get(1).rgb()), "seeds must give different images");
        }
    }

    /** The embedded default's path: a vocabulary trained by BpeTrainer sizes the text encoder's embedding table. */
    @Test
    void trainedVocabularyFolderSizesTheTextEncoderAndGenerates() {
        List<String> captions = List.of("A book cover with author Jane Austen, book title Pride and Prejudice",
                "A book cover with author Leo Tolstoy, book title War and Peace",
                "A book cover with author Mary Shelley, book title Frankenstein");
        TrainedVocabulary vocabulary = new BpeTrainer(600, 1).train(captions);
        Path trained = dir.resolve("trained");
        TinyPreset.writeFolder(trained, vocabulary, 3);
        try (NDManager m = NDManager.newBaseManager(); TextToImagePipeline pipeline = TextToImagePipeline.load(trained, m)) {
            assertEquals(vocabulary.tokenizer().vocabSize(), pipeline.models().textEncoder().config().vocabSize());
            List<GeneratedImage> images = pipeline.generate(new GenerationRequest(captions.subList(0, 1), List.of(1L), 1,
                    1f, SchedulerKind.EULER, 64, 96, 0, 1));
            assertEquals(1, images.size());
        }
    }

    @Test
    void tinyFolderUsesDiffusersLayout() {
        for (String f : List.of("model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
                "vae/config.json", "vae/diffusion_pytorch_model.safetensors", "text_encoder/config.json",
                "text_encoder/model.safetensors", "tokenizer/vocab.json", "tokenizer/merges.txt",
                "scheduler/scheduler_config.json")) {
            assertTrue(Files.isRegularFile(folder.resolve(f)), f);
        }
    }

    /** Each denoising step's arrays live in a sub-manager that is closed, so nothing accumulates in the model. */
    @Test
    void generationLeavesNoArraysBehindWhateverTheStepCount() {
        try (NDManager m = NDManager.newBaseManager(); TextToImagePipeline pipeline = TextToImagePipeline.load(folder, m)) {
            NDManager params = pipeline.models().unet().params().manager();
            int before = params.getManagedArrays().size();
            pipeline.generate(request(1).withBatchSize(2));
            int afterOne = params.getManagedArrays().size();
            pipeline.generate(request(3).withBatchSize(2));
            assertEquals(before, afterOne);
            assertEquals(before, params.getManagedArrays().size());
        }
    }
}
