package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.BlockScope;
import org.coverlab.model.nn.Scope;

import java.util.ArrayList;
import java.util.List;

/** UNetMidBlock2DCrossAttn: resnet, then (transformer, resnet) pairs. */
final class MidBlockCrossAttn {
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2D> attentions = new ArrayList<>();

    MidBlockCrossAttn(Scope s, UNetConfig c, long channels, long temb) {
        int last = c.blockOutChannels().length - 1;
        resnets.add(new ResnetBlock2D(s.child("resnets").child(0), channels, channels, temb, c.normNumGroups(),
                c.normEps(), c.midBlockScaleFactor()));
        attentions.add(new Transformer2D(s.child("attentions").child(0), channels, c.numAttentionHeads()[last],
                c.crossAttentionDim()[last], c.transformerLayersPerBlock()[last], c.normNumGroups(),
                c.useLinearProjection()));
        resnets.add(new ResnetBlock2D(s.child("resnets").child(1), channels, channels, temb, c.normNumGroups(),
                c.normEps(), c.midBlockScaleFactor()));
    }

    NDArray forward(NDArray x, NDArray temb, NDArray context) {
        x = BlockScope.run(x, null, in -> resnets.get(0).forward(in, temb));
        for (int i = 0; i < attentions.size(); i++) {
            Transformer2D attention = attentions.get(i);
            ResnetBlock2D resnet = resnets.get(i + 1);
            x = BlockScope.run(x, null, in -> attention.forward(in, context));
            x = BlockScope.run(x, null, in -> resnet.forward(in, temb));
        }
        return x;
    }
}
