package org.coverlab.model.pipeline;

import ai.djl.ndarray.NDManager;

import java.nio.file.Path;
import java.util.List;

/**
 * A prompt-by-seed image grid from a diffusers folder, written as one PNG (rows = prompts, columns = seeds).
 * The command line for it is {@code coverlab generate} ({@link org.coverlab.cli.GenerateCommand}).
 */
public final class GenerateGrid {
    private GenerateGrid() {
    }

    /**
     * Loads the pipeline in {@code modelFolder}, generates every prompt with every seed of {@code request} and writes
     * the grid to {@code out}.
     *
     * @throws org.coverlab.model.ModelConfigException if the folder is not a Stable Diffusion 1.x/2.x diffusers folder
     * @throws IllegalArgumentException if the request does not fit the model (e.g. a size the VAE cannot produce)
     */
    public static void write(Path modelFolder, GenerationRequest request, Path out) {
        write(modelFolder, request, out, () -> { });
    }

    /** As {@link #write(Path, GenerationRequest, Path)}; {@code betweenSteps} runs before every denoising step. */
    public static void write(Path modelFolder, GenerationRequest request, Path out, Runnable betweenSteps) {
        try (NDManager manager = NDManager.newBaseManager();
             TextToImagePipeline pipeline = TextToImagePipeline.load(modelFolder, manager)) {
            List<GeneratedImage> images = pipeline.generate(request, betweenSteps);
            ImageGrid.writePng(out, images, request.prompts().size(), request.seeds().size());
        }
    }
}
