package org.coverlab.model.pipeline;

import org.coverlab.spec.SampleSpec;

import java.util.List;

/**
 * What to generate: every prompt with every seed (a grid, rows = prompts, cols = seeds).
 *
 * @param batchSize images per UNet call (doubled internally for classifier-free guidance)
 */
public record GenerationRequest(List<String> prompts, List<Long> seeds, int steps, float guidanceScale,
                                SampleSpec.Scheduler scheduler, int width, int height, int clipSkip, int batchSize) {

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

    public static GenerationRequest of(SampleSpec spec, int width, int height, int clipSkip) {
        return new GenerationRequest(spec.prompts(), spec.seeds(), spec.steps(), (float) spec.guidanceScale(),
                spec.scheduler(), width, height, clipSkip, 4);
    }

    public GenerationRequest withBatchSize(int size) {
        return new GenerationRequest(prompts, seeds, steps, guidanceScale, scheduler, width, height, clipSkip, size);
    }

    int imageCount() {
        return prompts.size() * seeds.size();
    }
}
