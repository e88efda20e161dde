package org.coverlab.stages.sample;

import org.coverlab.run.GridRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import org.coverlab.model.pipeline.TextToImagePipeline;
import org.coverlab.run.StageContext;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.stages.ModelProvenance;
import org.coverlab.stages.TrainingProbe;
import org.coverlab.stages.TrainingProbe.ProbePoint.Kind;

/**
 * The sample stage's grid as a training probe: at the points {@code sample.every} names (epoch ends, checkpoints or
 * the end) the train stage hands it the model as it is, and it draws {@code samples/step-<N>/} with the same
 * {@link GridSampler} as the base grid. Rows already on disk are not drawn again, so a grid interrupted by a kill
 * continues where it stopped and composes the same bytes. The base grid (before training) stays the sample stage's.
 */
public final class SampleProbe implements TrainingProbe {

    @Override
    public String name() {
        return SampleStage.NAME;
    }

    @Override
    public boolean runsAt(ExperimentSpec spec, ProbePoint point) {
        return switch (spec.sample().every()) {
            case NEVER -> false;
            case END -> point.kinds().contains(Kind.END);
            case EPOCH -> point.kinds().contains(Kind.EPOCH_END);
            // every checkpoint: also those at epoch ends and the end
            case CHECKPOINT -> !point.kinds().contains(Kind.BEFORE_TRAINING);
        };
    }

    @Override
    public void run(StageContext ctx, TextToImagePipeline model, ModelProvenance provenance, ProbePoint point)
            throws Exception {
        ExperimentSpec spec = ctx.spec();
        SampleSpec sample = spec.sample();
        Path dir = ctx.runDir().samples().resolve(point.label());
        Files.createDirectories(dir);
        GridSampler sampler = new GridSampler(sample, spec.dataset().resolution(), spec.model().clipSkip(), model,
                provenance);
        double seconds = 0;
        for (int row = 0; row < sampler.rows(); row++) {
            ctx.checkCancelled();
            if (rowOnDisk(dir, sample, row)) {
                continue;
            }
            seconds += sampler.drawRow(dir, row, ctx::checkCancelled);
            if (row == 0) {
                ctx.holdIfAsked("grid", point.step(), "grid " + point.label() + ", after its first row");
            }
        }
        GridRecord grid = sampler.finish(dir, point.label(), point.step(), seconds);
        SampleStage.report(ctx, grid, provenance, dir);
    }

    private static boolean rowOnDisk(Path dir, SampleSpec sample, int row) {
        return sample.seeds().stream().allMatch(s -> Files.isRegularFile(dir.resolve(GridSampler.imageFile(row, s))));
    }
}
