package org.coverlab.sample;

import ai.djl.ndarray.NDArray;

/** The clean-sample estimate x0_hat from a model output, per prediction type (shared by DDPM and DDIM). */
final class PredictedOriginal {

    private PredictedOriginal() {
    }

    static NDArray of(PredictionType type, NDArray modelOutput, NDArray sample, float alphaProd, float betaProd) {
        float sqrtAlpha = (float) Math.sqrt(alphaProd);
        float sqrtBeta = (float) Math.sqrt(betaProd);
        return switch (type) {
            case EPSILON -> sample.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
            case SAMPLE -> modelOutput.duplicate();
            case V_PREDICTION -> sample.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
        };
    }

    /** The noise estimate consistent with the prediction type (DDIM's pred_epsilon). */
    static NDArray epsilon(PredictionType type, NDArray modelOutput, NDArray sample, NDArray x0, float alphaProd,
                           float betaProd) {
        float sqrtAlpha = (float) Math.sqrt(alphaProd);
        float sqrtBeta = (float) Math.sqrt(betaProd);
        return switch (type) {
            case EPSILON -> modelOutput.duplicate();
            case SAMPLE -> sample.sub(x0.mul(sqrtAlpha)).div(sqrtBeta);
            case V_PREDICTION -> modelOutput.mul(sqrtAlpha).add(sample.mul(sqrtBeta));
        };
    }
}
