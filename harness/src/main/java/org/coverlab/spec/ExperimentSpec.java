package org.coverlab.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole experiment, as resolved from YAML (after {@code extends:} and {@code --set}). Immutable.
 * Every section has a {@code DEFAULT}; a key missing from the YAML takes the default's value.
 */
public record ExperimentSpec(
        @Doc("Experiment name, used in run listings and reports") String name,
        @Doc("Free text describing the experiment") String description,
        @Doc("Master seed: data split, shuffles, captions, initial noise of training") @Range(min = 0) long seed,
        @Doc("Which Stable Diffusion to start from") ModelSpec model,
        @Doc("Training and reference images and their captions") DatasetSpec dataset,
        @Doc("What is fine-tuned and how") TrainSpec train,
        @Doc("Fixed-latent sample grids: same prompts and initial noise at every checkpoint and in every experiment") SampleSpec sample,
        @Doc("FID/KID of generated images against reference statistics") EvalSpec eval,
        @Doc("Where the run is logged (local run store always; W&B and MLflow optional)") TrackingSpec tracking) {

    public static final ExperimentSpec DEFAULT = new ExperimentSpec(
            "unnamed", "", 42L,
            ModelSpec.DEFAULT, DatasetSpec.DEFAULT, TrainSpec.DEFAULT,
            SampleSpec.DEFAULT, EvalSpec.DEFAULT, TrackingSpec.DEFAULT);

    /** Cross-field checks that single keys cannot express. Empty when consistent. */
    public List<SpecIssue> crossCheck(String file) {
        List<SpecIssue> issues = new ArrayList<>();
        if (train.epochs() > 0 && train.components().isEmpty()) {
            issues.add(new SpecIssue(file, 0, "train.components",
                    "is empty but train.epochs is " + train.epochs() + "; list unet and/or text_encoder, or set epochs: 0"));
        }
        if (train.mixedPrecision() != TrainSpec.MixedPrecision.NO) {
            issues.add(new SpecIssue(file, 0, "train.mixed_precision", "is " + train.mixedPrecision().key()
                    + " but only 'no' is available: DJL's PyTorch engine exposes no autocast or gradient scaler, and "
                    + "casting the networks to " + train.mixedPrecision().key() + " by hand would train in reduced "
                    + "precision without fp32 master weights (see README, 'Memory options')"));
        }
        if (train.gradientCheckpointing()) {
            issues.add(new SpecIssue(file, 0, "train.gradient_checkpointing", "is true but not available: it needs "
                    + "torch.utils.checkpoint (a custom autograd function that recomputes a block in backward), which "
                    + "DJL's PyTorch engine cannot express from Java (see README, 'Memory options')"));
        }
        if (dataset.validationSplit() >= 1.0) {
            issues.add(new SpecIssue(file, 0, "dataset.validation_split", "must be below 1.0 so some images remain for training"));
        }
        if (dataset.validationSplit() == 0.0 && !eval.metrics().isEmpty() && eval.every() != SampleSpec.When.NEVER) {
            issues.add(new SpecIssue(file, 0, "dataset.validation_split", "is 0 but evaluation is enabled (eval.metrics: "
                    + eval.metrics().stream().map(SpecEnum::key).toList() + ", eval.every: " + eval.every().key()
                    + "), which prompts with validation captions; hold some rows out (e.g. 0.1) or set eval.metrics: []"));
        }
        if (sample.prompts().isEmpty() && !sample.every().equals(SampleSpec.When.NEVER)) {
            issues.add(new SpecIssue(file, 0, "sample.prompts", "is empty but sampling is enabled (sample.every: " + sample.every().key() + ")"));
        }
        if (sample.seeds().isEmpty() && !sample.every().equals(SampleSpec.When.NEVER)) {
            issues.add(new SpecIssue(file, 0, "sample.seeds", "is empty but sampling is enabled (sample.every: " + sample.every().key() + "); give at least one seed, e.g. [42]"));
        }
        return issues;
    }

    /** True when this experiment trains anything. */
    public boolean trains() {
        return train.epochs() > 0 && !train.components().isEmpty();
    }
}
