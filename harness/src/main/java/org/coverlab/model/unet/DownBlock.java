package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.BlockScope;
import org.coverlab.model.nn.Scope;

import java.util.ArrayList;
import java.util.List;

/** DownBlock2D, or CrossAttnDownBlock2D when attention heads are given: resnets (+ transformers), downsampler. */
final class DownBlock {
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2D> attentions = new ArrayList<>();
    private final Downsample2D downsampler;

    DownBlock(Scope s, UNetConfig c, int index, long in, long out, long temb, boolean crossAttn) {
        int layers = c.layersPerBlock()[index];
        for (int i = 0; i < layers; i++) {
            // output scale 1 whatever resnet_out_scale_factor says: diffusers does not pass it to this block
            resnets.add(new ResnetBlock2D(s.child("resnets").child(i), i == 0 ? in : out, out, temb,
                    c.normNumGroups(), c.normEps(), 1f));
            if (crossAttn) {
                attentions.add(new Transformer2D(s.child("attentions").child(i), out, c.numAttentionHeads()[index],
                        c.crossAttentionDim()[index], c.transformerLayersPerBlock()[index], c.normNumGroups(),
                        c.useLinearProjection()));
            }
        }
        boolean last = index == c.blockOutChannels().length - 1;
        downsampler = last ? null : new Downsample2D(s.child("downsamplers").child(0), out, c.downsamplePadding());
    }

    /** Returns the block output; appends every intermediate state the up path will consume to {@code skips}. */
    NDArray forward(NDArray x, NDArray temb, NDArray context, List<NDArray> skips) {
        for (int i = 0; i < resnets.size(); i++) {
            ResnetBlock2D resnet = resnets.get(i);
            x = BlockScope.run(x, null, in -> resnet.forward(in, temb));
            if (!attentions.isEmpty()) {
                Transformer2D attention = attentions.get(i);
                x = BlockScope.run(x, null, in -> attention.forward(in, context));
            }
            skips.add(x);
        }
        if (downsampler != null) {
            x = downsampler.forward(x);
            skips.add(x);
        }
        return x;
    }
}
