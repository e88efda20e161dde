package org.coverlab.model.vae;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.BlockScope;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.GroupNorm;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Scope;
import org.coverlab.model.unet.Downsample2D;
import org.coverlab.model.unet.ResnetBlock2D;

import java.util.ArrayList;
import java.util.List;

/** Image to posterior moments (mean and log-variance stacked on the channel axis). */
final class VaeEncoder {
    private final Conv2d convIn;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Downsample2D> downsamplers = new ArrayList<>();
    private final VaeMidBlock mid;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    VaeEncoder(Scope s, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        convIn = new Conv2d(s.child("conv_in"), c.inChannels(), ch[0], 3, 1, 1);
        long prev = ch[0];
        for (int i = 0; i < ch.length; i++) {
            Scope block = s.child("down_blocks").child(i);
            List<ResnetBlock2D> blockResnets = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock(); j++) {
                blockResnets.add(new ResnetBlock2D(block.child("resnets").child(j), j == 0 ? prev : ch[i], ch[i], 0,
                        c.normNumGroups(), 1e-6f, 1f));
            }
            resnets.add(blockResnets);
            downsamplers.add(i == ch.length - 1 ? null : new Downsample2D(block.child("downsamplers").child(0), ch[i], 0));
            prev = ch[i];
        }
        mid = new VaeMidBlock(s.child("mid_block"), c, prev);
        normOut = new GroupNorm(s.child("conv_norm_out"), c.normNumGroups(), prev, 1e-6f);
        convOut = new Conv2d(s.child("conv_out"), prev, 2L * c.latentChannels(), 3, 1, 1);
    }

    NDArray forward(NDArray image) {
        NDArray x = convIn.forward(image);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) {
                x = BlockScope.run(x, null, in -> r.forward(in, null));
            }
            if (downsamplers.get(i) != null) {
                x = downsamplers.get(i).forward(x);
            }
        }
        x = BlockScope.run(x, null, mid::forward);
        return convOut.forward(Ops.silu(normOut.forward(x)));
    }
}
