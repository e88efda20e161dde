package org.coverlab.training;

import ai.djl.pytorch.jni.JniUtils;

import java.util.function.Supplier;

/** Runs a computation with autograd recording off (torch.no_grad()), restoring the previous mode after. */
public final class NoGrad {
    private NoGrad() {
    }

    public static <T> T run(Supplier<T> work) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }
}
