package org.coverlab.cli;

import static org.coverlab.cli.InProcessCli.coverlab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.coverlab.model.Reference;
import org.coverlab.model.pipeline.ImageGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverlab generate}: options, the grid it writes, and one-line refusals with exit code 2. */
class GenerateCommandTest {

    @TempDir
    Path cwd;

    @Test
    void helpListsEveryOption() {
        InProcessCli.Result r = coverlab(cwd, "generate", "--help");
        assertEquals(0, r.code(), r.all());
        for (String option : new String[] {"--model", "--out", "--prompt", "--seeds", "--steps", "--guidance",
                "--scheduler", "--width", "--height", "--clip-skip", "--batch"}) {
            assertTrue(r.out().contains(option), option + " missing from\n" + r.out());
        }
    }

    @Test
    void writesAPromptBySeedGridWithPathsRelativeToTheWorkingDirectory() throws IOException {
        InProcessCli.Result r = coverlab(cwd, "generate", "--model", Reference.model("pipeline").toString(),
                "--out", "grids/g.png", "--prompt", "a cat", "--prompt", "a dog", "--seeds", "1,2,3", "--steps", "2",
                "--width", "24", "--height", "16", "--scheduler", "EULER");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().startsWith("wrote grids/g.png: 2 prompts x 3 seeds, 24x16, 2 euler steps"), r.out());
        // progress on stderr as plain lines: the plan once the model is loaded, the last step (6 images, batch 4)
        assertTrue(r.err().contains("coverlab generate: 6 image(s) in 2 UNet batch(es) x 2 steps"), r.err());
        assertTrue(r.err().contains("coverlab generate: denoising step 4/4, "), r.err());
        assertFalse(r.err().contains("\033") || r.out().contains("\033"), "no terminal codes in a pipe");
        var grid = ImageIO.read(cwd.resolve("grids/g.png").toFile());
        assertEquals(3 * 24 + 2 * ImageGrid.GUTTER, grid.getWidth());
        assertEquals(2 * 16 + ImageGrid.GUTTER, grid.getHeight());
    }

    @Test
    void missingOptionsAndAnUnknownSchedulerAreUsageErrors() {
        InProcessCli.Result missing = coverlab(cwd, "generate", "--out", "x.png", "--prompt", "a");
        assertEquals(2, missing.code(), missing.all());
        assertEquals("coverlab generate: Missing required option: '--model=DIR' (see 'coverlab generate --help')",
                missing.err().strip());
        InProcessCli.Result scheduler = coverlab(cwd, "generate", "--model", "m", "--out", "x.png", "--prompt", "a",
                "--scheduler", "lms");
        assertEquals(2, scheduler.code(), scheduler.all());
        assertTrue(scheduler.err().contains("unknown scheduler 'lms' (use ddim, pndm, euler or ddpm)"), scheduler.all());
        assertEquals(1, scheduler.err().strip().lines().count(), scheduler.all());
        InProcessCli.Result steps = coverlab(cwd, "generate", "--model", Reference.model("pipeline").toString(),
                "--out", "x.png", "--prompt", "a", "--steps", "0");
        assertEquals(2, steps.code(), steps.all());
        assertTrue(steps.err().contains("steps must be >= 1, got 0"), steps.all());
        assertFalse(Files.exists(cwd.resolve("x.png")));
    }

    @Test
    void anSdxlFolderIsRefusedWithTheModelConfigMessage() throws IOException {
        Path sdxl = Files.createDirectories(cwd.resolve("sdxl"));
        Files.writeString(sdxl.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionXLPipeline\", "
                + "\"text_encoder_2\": [\"transformers\", \"CLIPTextModelWithProjection\"]}");
        Files.createDirectories(sdxl.resolve("tokenizer"));
        Files.copy(Reference.model("pipeline/tokenizer/vocab.json"), sdxl.resolve("tokenizer/vocab.json"));
        Files.copy(Reference.model("pipeline/tokenizer/merges.txt"), sdxl.resolve("tokenizer/merges.txt"));
        Files.createDirectories(sdxl.resolve("scheduler"));
        Files.copy(Reference.model("pipeline/scheduler/scheduler_config.json"),
                sdxl.resolve("scheduler/scheduler_config.json"));
        InProcessCli.Result r = coverlab(cwd, "generate", "--model", "sdxl", "--out", "g.png", "--prompt", "a");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("coverlab generate: ") && r.err().contains("SDXL"), r.all());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.all());
    }

    @Test
    void aMissingModelFolderIsOneLineNotAStackTrace() {
        InProcessCli.Result r = coverlab(cwd, "generate", "--model", "nowhere", "--out", "g.png", "--prompt", "a");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("nowhere"), r.all());
        assertEquals(1, r.err().strip().lines().count(), r.all());
    }
}
