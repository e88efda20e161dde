package org.coverlab.model.vae;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.Scope;
import org.coverlab.model.unet.ResnetBlock2D;

/** UNetMidBlock2D without time embedding: resnet, attention, resnet. */
final class VaeMidBlock {
    private final ResnetBlock2D first;
    private final SpatialSelfAttention attention;
    private final ResnetBlock2D second;

    VaeMidBlock(Scope s, VaeConfig c, long channels) {
        first = new ResnetBlock2D(s.child("resnets").child(0), channels, channels, 0, c.normNumGroups(), 1e-6f, 1f);
        attention = c.midBlockAddAttention()
                ? new SpatialSelfAttention(s.child("attentions").child(0), channels, c.normNumGroups(), 1e-6f) : null;
        second = new ResnetBlock2D(s.child("resnets").child(1), channels, channels, 0, c.normNumGroups(), 1e-6f, 1f);
    }

    NDArray forward(NDArray x) {
        x = first.forward(x, null);
        if (attention != null) {
            x = attention.forward(x);
        }
        return second.forward(x, null);
    }
}
