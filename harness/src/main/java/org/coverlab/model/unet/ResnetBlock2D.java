package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.GroupNorm;
import org.coverlab.model.nn.Linear;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Scope;

/** diffusers' ResnetBlock2D ("default" time scale-shift): GN-SiLU-conv, + time projection, GN-SiLU-conv, skip. */
public final class ResnetBlock2D {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d shortcut;
    private final float outputScale;

    /** @param tembChannels 0 for blocks without a time embedding (the VAE) */
    public ResnetBlock2D(Scope s, long in, long out, long tembChannels, int groups, float eps, float outputScale) {
        norm1 = new GroupNorm(s.child("norm1"), groups, in, eps);
        conv1 = new Conv2d(s.child("conv1"), in, out, 3, 1, 1);
        timeProj = tembChannels > 0 ? new Linear(s.child("time_emb_proj"), tembChannels, out, true) : null;
        norm2 = new GroupNorm(s.child("norm2"), groups, out, eps);
        conv2 = new Conv2d(s.child("conv2"), out, out, 3, 1, 1);
        shortcut = in != out ? new Conv2d(s.child("conv_shortcut"), in, out, 1, 1, 0) : null;
        this.outputScale = outputScale;
    }

    public NDArray forward(NDArray x, NDArray temb) {
        NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
        if (timeProj != null && temb != null) {
            NDArray t = timeProj.forward(Ops.silu(temb));
            h = h.add(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
        }
        h = conv2.forward(Ops.silu(norm2.forward(h)));
        NDArray skip = shortcut == null ? x : shortcut.forward(x);
        NDArray sum = skip.add(h);
        return outputScale == 1f ? sum : Ops.div(sum, outputScale);
    }
}
