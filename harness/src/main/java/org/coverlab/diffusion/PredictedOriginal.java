package org.coverlab.diffusion;

import ai.djl.ndarray.NDArray;

/** The clean-sample estimate x0_hat from a model output, per prediction type (shared by DDPM and DDIM; PNDM uses the epsilon conversion). */
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
            case V_PREDICTION -> epsilonFromVelocity(modelOutput, sample, alphaProd, betaProd);
        };
    }

    /** eps = sqrt(alpha_bar) * v + sqrt(1 - alpha_bar) * x_t for a v-prediction model output (also PNDM's). */
    static NDArray epsilonFromVelocity(NDArray velocity, NDArray sample, float alphaProd, float betaProd) {
        return velocity.mul((float) Math.sqrt(alphaProd)).add(sample.mul((float) Math.sqrt(betaProd)));
    }
}
