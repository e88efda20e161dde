package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Scope;

/** Sinusoidal timestep features (diffusers' get_timestep_embedding) followed by linear-SiLU-linear. */
final class TimestepEmbedding {
    private final Linear linear1;
    private final Linear linear2;
    private final int featureDim;
    private final boolean flipSinToCos;
    private final float freqShift;

    TimestepEmbedding(Scope s, int featureDim, long embedDim, boolean flipSinToCos, float freqShift) {
        linear1 = new Linear(s.child("linear_1"), featureDim, embedDim, true);
        linear2 = new Linear(s.child("linear_2"), embedDim, embedDim, true);
        this.featureDim = featureDim;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
    }

    NDArray forward(NDArray timesteps) {
        return linear2.forward(Ops.silu(linear1.forward(sinusoidal(timesteps))));
    }

    /**
     * Same float32 operation order as diffusers, so arguments like 999 * freq round identically (a 1-ulp
     * difference in freq would shift sin by ~1e-4 at large t).
     */
    NDArray sinusoidal(NDArray timesteps) {
        NDManager m = timesteps.getManager();
        int half = featureDim / 2;
        NDArray exponent = m.arange(0, half, 1, DataType.FLOAT32).mul((float) -Math.log(10000))
                .div(half - freqShift);
        NDArray freqs = exponent.exp();
        NDArray t = timesteps.toType(DataType.FLOAT32, false).reshape(-1, 1);
        NDArray args = t.mul(freqs.reshape(1, half));
        NDArray sin = args.sin();
        NDArray cos = args.cos();
        NDArray emb = flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
        if (featureDim % 2 == 1) {
            emb = emb.pad(new ai.djl.ndarray.types.Shape(0, 1), 0);
        }
        return emb;
    }
}
