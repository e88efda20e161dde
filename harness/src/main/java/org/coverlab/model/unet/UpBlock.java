package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.BlockScope;
import org.coverlab.model.nn.Scope;

import java.util.ArrayList;
import java.util.List;

/** UpBlock2D, or CrossAttnUpBlock2D: each resnet takes the state concatenated with one skip connection. */
final class UpBlock {
    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2D> attentions = new ArrayList<>();
    private final Upsample2D upsampler;

    /** @param index position in up_block_types; per-block settings are read in reverse (deepest block first) */
    UpBlock(Scope s, UNetConfig c, int index, long prevOut, long out, long skipIn, long temb, boolean crossAttn) {
        int blocks = c.blockOutChannels().length;
        int rev = blocks - 1 - index;
        int layers = c.layersPerBlock()[rev] + 1;
        for (int i = 0; i < layers; i++) {
            long resIn = i == 0 ? prevOut : out;
            long skip = i == layers - 1 ? skipIn : out;
            // output scale 1 whatever resnet_out_scale_factor says: diffusers does not pass it to this block
            resnets.add(new ResnetBlock2D(s.child("resnets").child(i), resIn + skip, out, temb, c.normNumGroups(),
                    c.normEps(), 1f));
            if (crossAttn) {
                attentions.add(new Transformer2D(s.child("attentions").child(i), out, c.numAttentionHeads()[rev],
                        c.crossAttentionDim()[rev], c.upTransformerLayers()[index], c.normNumGroups(),
                        c.useLinearProjection()));
            }
        }
        upsampler = index == blocks - 1 ? null : new Upsample2D(s.child("upsamplers").child(0), out);
    }

    int resnetCount() {
        return resnets.size();
    }

    /** Consumes skip connections from the end of {@code skips}; upsamples to {@code upsampleSize} when given. */
    NDArray forward(NDArray x, NDArray temb, NDArray context, List<NDArray> skips, long[] upsampleSize) {
        for (int i = 0; i < resnets.size(); i++) {
            NDArray skip = skips.remove(skips.size() - 1);
            NDArray joined = x.concat(skip, 1);
            skip.close(); // consumed: free it now (autograd keeps its own reference if it needs one)
            ResnetBlock2D resnet = resnets.get(i);
            x = BlockScope.run(joined, null, in -> resnet.forward(in, temb));
            joined.close();
            if (!attentions.isEmpty()) {
                Transformer2D attention = attentions.get(i);
                x = BlockScope.run(x, null, in -> attention.forward(in, context));
            }
        }
        return upsampler == null ? x : upsampler.forward(x, upsampleSize);
    }
}
