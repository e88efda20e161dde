package org.coverlab.stages.sample;

import java.util.Optional;
import org.coverlab.stages.ModelProvenance;
import org.coverlab.stages.ModelSource;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.GridRecord;
import org.coverlab.run.Progress;
import org.coverlab.run.RunSettings;
import org.coverlab.run.Stage;
import org.coverlab.run.StageContext;
import org.coverlab.diffusion.TorchRandom;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.run.RunEvent;

/**
 * Draws the {@code base} grid: model.base before any training, rows = sample.prompts, columns = sample.seeds, with
 * sample.scheduler, sample.steps and sample.guidance_scale at dataset.resolution. Output in
 * {@code samples/base/}: one PNG per image, {@code grid.png}, and {@code grid.json} (settings, initial-latent hashes,
 * model provenance, timing); journaled as an Image event, a timing metric and a Summary.
 *
 * <p>{@code sample.every}: {@code never} skips this stage; any other value draws the base grid once. Grids of trained
 * weights ({@code samples/step-<N>/}, at epoch ends, checkpoints or the end as sample.every says) are drawn by the
 * training stage with the same {@link GridSampler}, so an experiment without training has exactly one grid, {@code base}.
 *
 * <p>Resumable per prompt row: after each row its PNGs are on disk and a checkpoint records the rows done, so a
 * resumed run continues at the next row and composes the same grid bytes as an uninterrupted run.
 */
public final class SampleStage implements Stage {

    public static final String NAME = "sample";
    static final String BASE_LABEL = "base";

    /** Told after each grid row is checkpointed (tests use it to stop a run at a known row). */
    @FunctionalInterface
    interface RowHook {
        void rowCheckpointed(int rowsDone);
    }

    private final RowHook afterRow;

    public SampleStage() {
        this(rows -> { });
    }

    SampleStage(RowHook afterRow) {
        this.afterRow = afterRow;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> neededBecause(ExperimentSpec spec) {
        if (spec.sample().every() == SampleSpec.When.NEVER) {
            return Optional.empty();
        }
        return Optional.of("sample.every is " + spec.sample().every().key() + " (set sample.every: never to skip sample grids)");
    }

    /**
     * The model folder's configs and safetensors headers, so a corrupt model is refused before a run exists, and the
     * grid's scheduler and steps on the model's scheduler config.
     */
    @Override
    public void checkInputs(ExperimentSpec spec, RunSettings settings) {
        ModelSource.checkFiles(spec.model(), settings.tinyModel());
        SampleSpec sample = spec.sample();
        ModelSource.checkScheduler(spec.model(), settings.tinyModel(), GridSampler.schedulerKind(sample.scheduler()),
                sample.steps(), "sample.scheduler " + sample.scheduler().key() + " with sample.steps " + sample.steps());
    }

    /** Folder label of the grid drawn at an optimizer step ({@code base} before training). */
    public static String label(long step) {
        return step == 0 ? BASE_LABEL : "step-" + step;
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        ExperimentSpec spec = ctx.spec();
        SampleSpec sample = spec.sample();
        checkSeeds(sample);
        String label = BASE_LABEL;
        Path dir = ctx.runDir().samples().resolve(label);
        int rows = sample.prompts().size();
        int cols = sample.seeds().size();
        int rowsDone = 0;
        double seconds = 0;
        if (ctx.resumeFrom().isPresent()) {
            Checkpoint c = ctx.resumeFrom().get();
            rowsDone = (int) c.longState("rows_done");
            seconds = c.doubleState("seconds");
            ctx.log().info("resuming grid {} at prompt row {} of {} ({} rows already drawn)", label,
                    Math.min(rowsDone + 1, rows), rows, rowsDone);
        }
        Files.createDirectories(dir);
        ctx.log().info("grid {}: {} prompt(s) x {} seed(s), {} {} steps, guidance {}, {}x{}", label, rows, cols,
                sample.steps(), sample.scheduler().key(), sample.guidanceScale(),
                spec.dataset().resolution().width(), spec.dataset().resolution().height());

        try (NDManager manager = NDManager.newBaseManager()) {
            ModelSource.Loaded loaded = ModelSource.open(spec.model(), ctx.runDir().path(), ctx.settings().tinyModel(),
                    manager, ctx.log(), ctx::checkCancelled);
            try (var pipeline = loaded.pipeline()) {
                GridSampler sampler = new GridSampler(sample, spec.dataset().resolution(), spec.model().clipSkip(),
                        pipeline, loaded.provenance());
                try (Progress progress = ctx.progress("sample " + label, (long) rows * cols, (long) rowsDone * cols)) {
                    int stepsPerRow = sample.steps() * ((cols + sampler.batchSize() - 1) / sampler.batchSize());
                    for (int row = rowsDone; row < rows; row++) {
                        ctx.checkCancelled();
                        String where = "row " + (row + 1) + "/" + rows + ", denoising step ";
                        int[] step = {0};
                        double rowSeconds = sampler.drawRow(dir, row, () -> {
                            ctx.checkCancelled();
                            // a row can take minutes (SD1.5 on a CPU): the progress line keeps its interval inside it
                            progress.tick(where + (++step[0]) + "/" + stepsPerRow);
                        });
                        seconds += rowSeconds;
                        int done = row + 1;
                        progress.update((long) done * cols, String.format(Locale.ROOT, "%.2f s/image", rowSeconds / cols));
                        ctx.checkpoint(0, done, Map.of("label", label, "rows_done", done, "seconds", seconds), d -> { });
                        afterRow.rowCheckpointed(done);
                    }
                }
                GridRecord grid = sampler.finish(dir, label, 0, seconds);
                report(ctx, grid, sampler.provenance(), dir);
            }
        }
    }

    static void report(StageContext ctx, GridRecord grid, ModelProvenance model, Path dir) {
        String rel = ctx.runDir().path().relativize(dir.resolve(GridSampler.GRID_PNG)).toString().replace('\\', '/');
        String caption = String.format(Locale.ROOT, "%s: %d prompts x %d seeds, %s %d steps, guidance %s, %dx%d; model %s",
                grid.label(), grid.prompts().size(), grid.seeds().size(), grid.scheduler(), grid.steps(),
                grid.guidanceScale(), grid.width(), grid.height(), model.description());
        long now = ctx.clock().millis();
        ctx.tracker().log(new RunEvent.Image(now, grid.step(), "samples/" + grid.label(), rel, caption));
        ctx.tracker().log(new RunEvent.Metrics(now, grid.step(), Map.of(
                "sample/seconds_per_image", grid.secondsPerImage(),
                "sample/seconds", grid.seconds())));
        Map<String, Object> summary = new TreeMap<>(model.summary());
        summary.put("sample." + grid.label() + ".grid", rel);
        ctx.tracker().log(new RunEvent.Summary(now, summary));
        ctx.log().info("wrote {} ({} images, {} s, {} s/image); {}", rel, grid.prompts().size() * grid.seeds().size(),
                String.format(Locale.ROOT, "%.1f", grid.seconds()), String.format(Locale.ROOT, "%.2f", grid.secondsPerImage()),
                model.pretrained() ? "model " + model.description() : "model NOT pretrained (random init)");
    }

    /** Seeds go through torch's 32-bit manual_seed path; refuse others with the key named, before loading a model. */
    private static void checkSeeds(SampleSpec sample) {
        for (int i = 0; i < sample.seeds().size(); i++) {
            long s = sample.seeds().get(i);
            try {
                TorchRandom.checkSeed(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sample.seeds[" + i + "]: " + s + " is outside 0.." + Integer.MAX_VALUE
                        + " (the range torch.manual_seed reproduces here)");
            }
        }
    }
}
