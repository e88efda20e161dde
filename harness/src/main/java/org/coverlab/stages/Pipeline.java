package org.coverlab.stages;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.coverlab.run.Stage;
import org.coverlab.run.StagePlanException;
import org.coverlab.spec.EvalSpec;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.spec.SpecEnum;
import org.coverlab.stages.evaluate.EvaluateProbe;
import org.coverlab.stages.evaluate.EvaluateStage;
import org.coverlab.stages.prepare.PrepareDataStage;
import org.coverlab.stages.report.ReportStage;
import org.coverlab.stages.sample.SampleProbe;
import org.coverlab.stages.sample.SampleStage;
import org.coverlab.stages.test.TestStage;
import org.coverlab.stages.train.TrainStage;

/**
 * The stages of an experiment in the order they run, and the plan for one spec. {@link #standard()} is the whole
 * pipeline in one list: adding a stage is one line there plus its folder under {@code stages/}. A position whose stage
 * this build lacks still knows when a spec needs it, so such a spec is refused up front with the reason ("stage
 * 'train' is not available in this build: the spec needs it because train.epochs is 8 ...") instead of being half
 * run. Immutable; {@link #with} returns a new pipeline.
 */
public final class Pipeline {

    /**
     * A pipeline position: its stage, or null when this build lacks it (then {@code missingNeededBecause} says when a
     * spec needs it). {@code onRequestOnly} positions run only when named with {@code --stages} (the test stage).
     */
    private record Slot(String name, Stage stage, Function<ExperimentSpec, Optional<String>> missingNeededBecause,
                        boolean onRequestOnly) {

        Optional<String> neededBecause(ExperimentSpec spec) {
            return stage != null ? stage.neededBecause(spec) : missingNeededBecause.apply(spec);
        }
    }

    private final List<Slot> slots;

    private Pipeline(List<Slot> slots) {
        this.slots = List.copyOf(slots);
    }

    /** The pipeline this build ships, in run order. */
    public static Pipeline standard() {
        return new Pipeline(List.of(
                stage(new PrepareDataStage()),
                onRequestOnly(new TestStage()),
                stage(new TrainStage(List.of(new SampleProbe(), new EvaluateProbe()))),
                stage(new SampleStage()),
                stage(new EvaluateStage()),
                stage(new ReportStage())));
    }

    private static Slot stage(Stage stage) {
        return new Slot(stage.name(), stage, null, false);
    }

    private static Slot onRequestOnly(Stage stage) {
        return new Slot(stage.name(), stage, null, true);
    }

    private static Slot notInThisBuild(String name, Function<ExperimentSpec, Optional<String>> neededBecause) {
        return new Slot(name, null, neededBecause, false);
    }

    /** This pipeline with {@code stage} in the position of the same name (tests put stand-ins in). */
    public Pipeline with(Stage stage) {
        List<Slot> next = new ArrayList<>();
        boolean found = false;
        for (Slot s : slots) {
            if (s.name().equals(stage.name())) {
                next.add(new Slot(s.name(), stage, null, s.onRequestOnly()));
                found = true;
            } else {
                next.add(s);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no pipeline slot named '" + stage.name() + "'");
        }
        return new Pipeline(next);
    }

    /**
     * This pipeline as a build without the stage {@code name}: the position stays and still knows when a spec needs
     * it, so such a spec is refused with the reason (a build that leaves a stage out; the tests of that refusal).
     */
    public Pipeline without(String name) {
        List<Slot> next = new ArrayList<>();
        for (Slot s : slots) {
            if (s.name().equals(name) && s.stage() != null) {
                Stage gone = s.stage();
                next.add(new Slot(s.name(), null, gone::neededBecause, s.onRequestOnly()));
            } else {
                next.add(s);
            }
        }
        if (next.equals(slots)) {
            throw new IllegalArgumentException("no built pipeline slot named '" + name + "'");
        }
        return new Pipeline(next);
    }

    public List<String> names() {
        return slots.stream().map(Slot::name).toList();
    }

    public boolean isAvailable(String name) {
        return slots.stream().anyMatch(s -> s.name().equals(name) && s.stage() != null);
    }

    /**
     * The stages to run, in pipeline order: the named ones when {@code selected} is non-empty, else every stage the
     * spec needs. Throws listing every problem at once.
     */
    public List<Stage> plan(ExperimentSpec spec, List<String> selected) throws StagePlanException {
        List<String> bad = new ArrayList<>();
        for (String name : selected) {
            if (slots.stream().noneMatch(s -> s.name().equals(name))) {
                bad.add("unknown stage '" + name + "' in --stages; known stages: " + String.join(", ", names()));
            }
        }
        if (!bad.isEmpty()) {
            throw new StagePlanException(StagePlanException.Kind.BAD_SELECTION, bad);
        }
        List<Stage> plan = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Slot slot : slots) {
            String because;
            if (!selected.isEmpty()) {
                if (!selected.contains(slot.name())) {
                    continue;
                }
                because = "it was selected with --stages";
                if (slot.stage() != null && !slot.onRequestOnly() && slot.neededBecause(spec).isEmpty()) {
                    bad.add("stage '" + slot.name() + "' was selected with --stages but does not apply to this spec");
                    continue;
                }
            } else {
                Optional<String> reason = slot.onRequestOnly() ? Optional.empty() : slot.neededBecause(spec);
                if (reason.isEmpty()) {
                    continue;
                }
                because = "the spec needs it because " + reason.get();
            }
            if (slot.stage() == null) {
                missing.add("stage '" + slot.name() + "' is not available in this build: " + because);
            } else {
                plan.add(slot.stage());
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
                    List.of("the spec asks for no stage at all (nothing to train, sample or evaluate); add"
                            + " '--stages test' to run the harness demo loop on it (experiments/harness-demo.yaml is"
                            + " meant for that)"));
        }
        return plan;
    }

    // When a spec needs the stages this build does not have yet; each moves into its stage's neededBecause.

    private static Optional<String> needsTraining(ExperimentSpec spec) {
        if (!spec.trains()) {
            return Optional.empty();
        }
        return Optional.of("train.epochs is " + spec.train().epochs() + " and train.components is "
                + keys(spec.train().components()) + " (set train.epochs: 0 to skip training)");
    }

    /** Why a spec asks for evaluation (eval.metrics and eval.every), or empty. */
    public static Optional<String> needsEvaluation(ExperimentSpec spec) {
        EvalSpec eval = spec.eval();
        if (eval.metrics().isEmpty() || eval.every() == SampleSpec.When.NEVER) {
            return Optional.empty();
        }
        return Optional.of("eval.metrics is " + keys(eval.metrics()) + " and eval.every is " + eval.every().key()
                + " (set eval.metrics: [] to skip evaluation)");
    }

    private static String keys(List<? extends SpecEnum> values) {
        return values.stream().map(SpecEnum::key).collect(Collectors.joining(", ", "[", "]"));
    }
}
