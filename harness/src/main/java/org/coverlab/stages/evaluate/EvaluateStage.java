package org.coverlab.stages.evaluate;

import ai.djl.ndarray.NDManager;
import java.util.Optional;
import java.util.Set;
import org.coverlab.run.RunSettings;
import org.coverlab.run.Stage;
import org.coverlab.run.StageContext;
import org.coverlab.stages.ModelSource;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.stages.Pipeline;
import org.coverlab.stages.TrainingProbe;

/**
 * Evaluates model.base once, as label {@code base}, for specs that do not train (a training spec evaluates inside the
 * train stage through {@link EvaluateProbe}, at the points eval.every names). It loads the model, then runs the probe,
 * which generates the evaluation images, computes FID/KID against the reference statistics and records them.
 * Resumable: a resumed run keeps the images the killed attempt wrote.
 */
public final class EvaluateStage implements Stage {

    public static final String NAME = "evaluate";
    static final String BASE_LABEL = "base";

    private final EvaluateProbe probe = new EvaluateProbe();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> neededBecause(ExperimentSpec spec) {
        return spec.trains() ? Optional.empty() : Pipeline.needsEvaluation(spec);
    }

    /** The model folder and the feature extractor, before a run exists. */
    @Override
    public void checkInputs(ExperimentSpec spec, RunSettings settings) {
        ModelSource.checkFiles(spec.model(), settings.tinyModel());
        probe.checkInputs(spec, settings);
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelSource.Loaded loaded = ModelSource.open(ctx.spec().model(), ctx.runDir().path(), ctx.settings().tinyModel(), manager, ctx.log());
            try (var pipeline = loaded.pipeline()) {
                probe.run(ctx, pipeline, loaded.provenance(), new TrainingProbe.ProbePoint(
                        Set.of(TrainingProbe.ProbePoint.Kind.BEFORE_TRAINING, TrainingProbe.ProbePoint.Kind.END), 0, 0,
                        BASE_LABEL));
            }
        }
    }
}
