package org.coverlab.model.pipeline;

import org.coverlab.model.ModelConfigException;
import org.coverlab.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateGridTest {

    @Test
    void writesAPromptBySeedGridFromADiffusersFolder(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("grid.png");
        GenerateGrid.run(new String[] {"--model", Reference.model("pipeline").toString(), "--out", out.toString(),
                "--prompt", "a cat", "--prompt", "a dog", "--seeds", "1,2,3", "--steps", "2", "--width", "24",
                "--height", "16", "--scheduler", "euler"});
        var grid = ImageIO.read(out.toFile());
        assertEquals(3 * 24 + 2 * ImageGrid.GUTTER, grid.getWidth());
        assertEquals(2 * 16 + ImageGrid.GUTTER, grid.getHeight());
    }

    @Test
    void badArgumentsAndFoldersGiveMessagesNotStackTraces(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> GenerateGrid.run(new String[] {"--out", "x.png", "--prompt", "a"}));
        assertTrue(missing.getMessage().contains("--model"), missing.getMessage());
        IllegalArgumentException scheduler = assertThrows(IllegalArgumentException.class,
                () -> GenerateGrid.run(new String[] {"--scheduler", "lms"}));
        assertTrue(scheduler.getMessage().contains("lms"), scheduler.getMessage());
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionXLPipeline\", "
                + "\"text_encoder_2\": [\"transformers\", \"CLIPTextModelWithProjection\"]}");
        Files.createDirectories(dir.resolve("tokenizer"));
        Files.copy(Reference.model("pipeline/tokenizer/vocab.json"), dir.resolve("tokenizer/vocab.json"));
        Files.copy(Reference.model("pipeline/tokenizer/merges.txt"), dir.resolve("tokenizer/merges.txt"));
        Files.createDirectories(dir.resolve("scheduler"));
        Files.copy(Reference.model("pipeline/scheduler/scheduler_config.json"),
                dir.resolve("scheduler/scheduler_config.json"));
        ModelConfigException sdxl = assertThrows(ModelConfigException.class, () -> GenerateGrid.run(new String[] {
                "--model", dir.toString(), "--out", dir.resolve("g.png").toString(), "--prompt", "a"}));
        assertTrue(sdxl.getMessage().contains("SDXL"), sdxl.getMessage());
    }
}
