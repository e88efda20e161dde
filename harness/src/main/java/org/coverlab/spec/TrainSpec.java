package org.coverlab.spec;

import java.util.List;

/** What is fine-tuned and how. Components not listed stay frozen. */
public record TrainSpec(
        @Doc("Components to fine-tune: unet, text_encoder (both = list both); empty = no training") List<Component> components,
        @Doc("Passes over the training set") @Range(min = 0, max = 10000) int epochs,
        @Doc("Examples per micro-batch") @Range(min = 1, max = 4096) int batchSize,
        @Doc("Micro-batches accumulated per optimizer step") @Range(min = 1, max = 4096) int gradientAccumulation,
        @Doc("Peak learning rate") @Range(min = 0.0, max = 1.0) double learningRate,
        @Doc("constant, cosine or linear decay after warmup") LrSchedule lrSchedule,
        @Doc("Optimizer steps of linear warmup") @Range(min = 0) int warmupSteps,
        @Doc("adamw or adamw8bit (block-wise 8-bit moment states)") Optimizer optimizer,
        @Doc("AdamW decoupled weight decay") @Range(min = 0.0, max = 1.0) double weightDecay,
        @Doc("Clip the global gradient norm to this (0 = no clipping)") @Range(min = 0.0) double maxGradNorm,
        @Doc("Keep an exponential moving average of trained weights") boolean ema,
        @Doc("EMA decay per optimizer step") @Range(min = 0.0, max = 1.0) double emaDecay,
        @Doc("no, fp16 or bf16") MixedPrecision mixedPrecision,
        @Doc("Recompute activations in backward to save memory") boolean gradientCheckpointing,
        @Doc("Save a checkpoint every N optimizer steps (0 = only at epoch ends)") @Range(min = 0) int checkpointEvery,
        @Doc("Checkpoints kept on disk (older ones are deleted)") @Range(min = 1, max = 1000) int keepLast) {

    public static final TrainSpec DEFAULT = new TrainSpec(
            List.of(), 0, 1, 8, 5e-6, LrSchedule.COSINE, 0, Optimizer.ADAMW8BIT, 1e-3, 1.0,
            false, 0.9999, MixedPrecision.NO, false, 0, 3);

    public enum Component implements SpecEnum {
        UNET, TEXT_ENCODER;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum LrSchedule implements SpecEnum {
        CONSTANT, COSINE, LINEAR;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum Optimizer implements SpecEnum {
        ADAMW, ADAMW8BIT;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    public enum MixedPrecision implements SpecEnum {
        NO, FP16, BF16;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }
}
