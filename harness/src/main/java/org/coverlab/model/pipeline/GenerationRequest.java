package org.coverlab.model.pipeline;

import java.util.List;
import org.coverlab.diffusion.SchedulerKind;

/**
 * What to generate: every prompt with every seed (a grid, rows = prompts, cols = seeds).
 *
 * @param batchSize images per UNet call (doubled internally for classifier-free guidance)
 */
public record GenerationRequest(List<String> prompts, List<Long> seeds, int steps, float guidanceScale,
                                SchedulerKind scheduler, int width, int height, int clipSkip, int batchSize) {

    public GenerationRequest {
        prompts = List.copyOf(prompts);
        seeds = List.copyOf(seeds);
        if (prompts.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("need at least one prompt and one seed");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
        if (!(guidanceScale >= 1f)) {
            throw new IllegalArgumentException("guidance scale must be >= 1, got " + guidanceScale);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    public GenerationRequest withBatchSize(int size) {
        return new GenerationRequest(prompts, seeds, steps, guidanceScale, scheduler, width, height, clipSkip, size);
    }

    int imageCount() {
        return prompts.size() * seeds.size();
    }
}
