package org.coverlab.model.nn;

import java.util.SplittableRandom;

/** How a parameter starts when a model is created rather than loaded (PyTorch / diffusers default styles). */
public sealed interface Init {
    record Constant(float value) implements Init {
    }

    /** U(-bound, bound): what nn.Linear / nn.Conv2d's kaiming_uniform(a=sqrt(5)) reduces to, bound = 1/sqrt(fan_in). */
    record Uniform(float bound) implements Init {
    }

    record Normal(float std) implements Init {
    }

    static Init zeros() {
        return new Constant(0f);
    }

    static Init ones() {
        return new Constant(1f);
    }

    static Init fanIn(long fanIn) {
        return new Uniform((float) (1.0 / Math.sqrt(fanIn)));
    }

    default float[] sample(int n, SplittableRandom random) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            if (this instanceof Constant c) {
                out[i] = c.value();
            } else if (this instanceof Uniform u) {
                out[i] = (float) ((random.nextDouble() * 2 - 1) * u.bound());
            } else {
                out[i] = (float) (gaussian(random) * ((Normal) this).std());
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
