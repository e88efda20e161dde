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
        @Doc("Checkpoints kept on disk (older ones are deleted)") @Range(min = 1, max = 1000) int keepLast,
        @Doc("Min-SNR-gamma loss weighting (Hang et al. 2023; diffusers' --snr_gamma, 5.0 recommended); 0 = plain MSE") @Range(min = 0.0, max = 1000.0) double minSnrGamma,
        @Doc("Noise offset: scale of a per-image, per-channel constant added to the training noise; 0 = off") @Range(min = 0.0, max = 1.0) double noiseOffset,
        @Doc("Input perturbation: scale of extra noise in the noisy latents the UNet sees, not in its target; 0 = off") @Range(min = 0.0, max = 1.0) double inputPerturbation,
        @Doc("adamw8bit: parameters with fewer values keep 32-bit moments (bitsandbytes' default 4096; the original study used 16384)") @Range(min = 0) int min8bitSize,
        @Doc("cpu, gpu (a CUDA GPU through DJL's CUDA PyTorch native library) or auto (gpu when one is usable)") Device device) {

    public static final TrainSpec DEFAULT = new TrainSpec(
            List.of(), 0, 1, 8, 5e-6, LrSchedule.COSINE, 0, Optimizer.ADAMW8BIT, 1e-3, 1.0,
            false, 0.9999, MixedPrecision.NO, false, 0, 3, 0.0, 0.0, 0.0, 4096, Device.CPU);

    /** This spec with other components and epochs (tests and tools that derive a training spec). */
    public TrainSpec withComponents(List<Component> newComponents, int newEpochs) {
        return new TrainSpec(newComponents, newEpochs, batchSize, gradientAccumulation, learningRate, lrSchedule,
                warmupSteps, optimizer, weightDecay, maxGradNorm, ema, emaDecay, mixedPrecision, gradientCheckpointing,
                checkpointEvery, keepLast, minSnrGamma, noiseOffset, inputPerturbation, min8bitSize, device);
    }

    public enum Device implements SpecEnum {
        CPU, GPU, AUTO;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

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
