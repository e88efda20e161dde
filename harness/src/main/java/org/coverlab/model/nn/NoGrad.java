package org.coverlab.model.nn;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.function.Supplier;

/**
 * Runs a computation with autograd recording off (torch.no_grad()), restoring the previous mode after. Inference
 * (sampling, feature extraction) and in-place weight writes use it; on an engine other than PyTorch it just runs.
 */
public final class NoGrad {
    private NoGrad() {
    }

    public static <T> T run(Supplier<T> work) {
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return work.get();
        }
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }
}
