package org.coverlab.model.pipeline;

import org.coverlab.diffusion.SchedulerKind;
import org.coverlab.model.ModelConfigException;
import org.coverlab.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The grid itself; the command line around it is tested in {@code org.coverlab.cli.GenerateCommandTest}. */
class GenerateGridTest {

    @Test
    void writesAPromptBySeedGridFromADiffusersFolder(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("grid.png");
        GenerateGrid.write(Reference.model("pipeline"), new GenerationRequest(List.of("a cat", "a dog"),
                List.of(1L, 2L, 3L), 2, 7.5f, SchedulerKind.EULER, 24, 16, 0, 4), out);
        var grid = ImageIO.read(out.toFile());
        assertEquals(3 * 24 + 2 * ImageGrid.GUTTER, grid.getWidth());
        assertEquals(2 * 16 + ImageGrid.GUTTER, grid.getHeight());
    }

    @Test
    void anSdxlFolderIsRefusedByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionXLPipeline\", "
                + "\"text_encoder_2\": [\"transformers\", \"CLIPTextModelWithProjection\"]}");
        Files.createDirectories(dir.resolve("tokenizer"));
        Files.copy(Reference.model("pipeline/tokenizer/vocab.json"), dir.resolve("tokenizer/vocab.json"));
        Files.copy(Reference.model("pipeline/tokenizer/merges.txt"), dir.resolve("tokenizer/merges.txt"));
        Files.createDirectories(dir.resolve("scheduler"));
        Files.copy(Reference.model("pipeline/scheduler/scheduler_config.json"),
                dir.resolve("scheduler/scheduler_config.json"));
        ModelConfigException sdxl = assertThrows(ModelConfigException.class, () -> GenerateGrid.write(dir,
                new GenerationRequest(List.of("a"), List.of(1L), 2, 7.5f, SchedulerKind.DDIM, 64, 96, 0, 4),
                dir.resolve("g.png")));
        assertTrue(sdxl.getMessage().contains("SDXL"), sdxl.getMessage());
    }
}
