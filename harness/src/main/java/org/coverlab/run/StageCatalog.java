package org.coverlab.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.coverlab.spec.EvalSpec;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.spec.SpecEnum;

/**
 * The pipeline's stages in order and which of them this build implements. Each slot knows, without an
 * implementation, when a spec needs it, so a spec asking for a stage the build lacks is refused up front with the
 * reason ("stage 'train' is not available in this build: the spec needs it because train.epochs is 8 ...") instead of
 * being half run. Immutable; {@link #with} returns a new catalog.
 */
public final class StageCatalog {

    /**
     * A pipeline position. {@code neededBecause} returns why a spec needs the stage, or empty when it does not;
     * {@code inDefaultPipeline} is false for stages that run only when named with {@code --stages} (the test stage).
     */
    public record Slot(String name, Function<ExperimentSpec, Optional<String>> neededBecause, boolean inDefaultPipeline) {}

    public static final String TEST = "test";

    private static final List<Slot> SLOTS = List.of(
            new Slot("prepare_data", StageCatalog::needsData, true),
            new Slot(TEST, spec -> Optional.empty(), false),
            new Slot("train", StageCatalog::needsTraining, true),
            new Slot("sample", StageCatalog::needsSampling, true),
            new Slot("evaluate", StageCatalog::needsEvaluation, true),
            new Slot("report", StageCatalog::needsReport, true));

    private final Map<String, Stage> implementations;

    private StageCatalog(Map<String, Stage> implementations) {
        this.implementations = Map.copyOf(implementations);
    }

    /** The stages this build ships. Later stages register here as they are implemented. */
    public static StageCatalog standard() {
        return new StageCatalog(Map.of()).with(new TestStage())
                .with(new org.coverlab.run.stages.PrepareDataStage())
                .with(new org.coverlab.run.stages.SampleStage())
                .with(new org.coverlab.stages.evaluate.EvaluateStage());
    }

    public StageCatalog with(Stage stage) {
        if (slot(stage.name()).isEmpty()) {
            throw new IllegalArgumentException("no pipeline slot named '" + stage.name() + "'");
        }
        Map<String, Stage> next = new LinkedHashMap<>(implementations);
        next.put(stage.name(), stage);
        return new StageCatalog(next);
    }

    public List<String> names() {
        return SLOTS.stream().map(Slot::name).toList();
    }

    public boolean isAvailable(String name) {
        return implementations.containsKey(name);
    }

    /**
     * The stages to run, in pipeline order: the named ones when {@code selected} is non-empty, else every stage the
     * spec needs. Throws listing every problem at once.
     */
    public List<Stage> plan(ExperimentSpec spec, List<String> selected) throws StagePlanException {
        List<String> bad = new ArrayList<>();
        for (String name : selected) {
            if (slot(name).isEmpty()) {
                bad.add("unknown stage '" + name + "' in --stages; known stages: " + String.join(", ", names()));
            }
        }
        if (!bad.isEmpty()) {
            throw new StagePlanException(StagePlanException.Kind.BAD_SELECTION, bad);
        }
        List<Stage> plan = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Slot slot : SLOTS) {
            boolean wanted;
            String because;
            Stage impl = implementations.get(slot.name());
            if (!selected.isEmpty()) {
                wanted = selected.contains(slot.name());
                because = "it was selected with --stages";
                if (wanted && impl != null && !impl.appliesTo(spec)) {
                    bad.add("stage '" + slot.name() + "' was selected with --stages but does not apply to this spec");
                    continue;
                }
            } else {
                Optional<String> reason = slot.inDefaultPipeline() ? slot.neededBecause().apply(spec) : Optional.empty();
                wanted = impl != null ? slot.inDefaultPipeline() && impl.appliesTo(spec) : reason.isPresent();
                because = reason.map(r -> "the spec needs it because " + r).orElse("");
            }
            if (!wanted) {
                continue;
            }
            if (impl == null) {
                missing.add("stage '" + slot.name() + "' is not available in this build: " + because);
            } else {
                plan.add(impl);
            }
        }
        if (!bad.isEmpty()) {
            throw new StagePlanException(StagePlanException.Kind.BAD_SELECTION, bad);
        }
        if (!missing.isEmpty()) {
            throw new StagePlanException(StagePlanException.Kind.UNAVAILABLE, missing);
        }
        if (plan.isEmpty()) {
            throw new StagePlanException(StagePlanException.Kind.BAD_SELECTION,
                    List.of("the spec asks for no stage at all (nothing to train, sample or evaluate)"));
        }
        return plan;
    }

    private Optional<Slot> slot(String name) {
        return SLOTS.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static Optional<String> needsTraining(ExperimentSpec spec) {
        if (!spec.trains()) {
            return Optional.empty();
        }
        return Optional.of("train.epochs is " + spec.train().epochs() + " and train.components is "
                + keys(spec.train().components()) + " (set train.epochs: 0 to skip training)");
    }

    private static Optional<String> needsSampling(ExperimentSpec spec) {
        if (spec.sample().every() == SampleSpec.When.NEVER) {
            return Optional.empty();
        }
        return Optional.of("sample.every is " + spec.sample().every().key() + " (set sample.every: never to skip sample grids)");
    }

    private static Optional<String> needsEvaluation(ExperimentSpec spec) {
        EvalSpec eval = spec.eval();
        if (eval.metrics().isEmpty() || eval.every() == SampleSpec.When.NEVER) {
            return Optional.empty();
        }
        return Optional.of("eval.metrics is " + keys(eval.metrics()) + " and eval.every is " + eval.every().key()
                + " (set eval.metrics: [] to skip evaluation)");
    }

    private static Optional<String> needsData(ExperimentSpec spec) {
        if (spec.trains()) {
            return Optional.of("training reads the dataset (train.epochs is " + spec.train().epochs() + ")");
        }
        if (needsEvaluation(spec).isPresent() && "validation".equals(spec.eval().referenceStats())) {
            return Optional.of("eval.reference_stats is 'validation' (computed from the dataset's validation split)");
        }
        return Optional.empty();
    }

    private static Optional<String> needsReport(ExperimentSpec spec) {
        // A sampling-only experiment's result is its grids (samples/<label>/grid.png and grid.json); the report
        // compares training curves and metrics, so only experiments that produce those need it.
        if (needsTraining(spec).isEmpty() && needsEvaluation(spec).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("every experiment that trains or evaluates ends with a report");
    }

    private static String keys(List<? extends SpecEnum> values) {
        return values.stream().map(SpecEnum::key).collect(Collectors.joining(", ", "[", "]"));
    }
}
