package org.coverlab.model.vae;

import ai.djl.ndarray.NDArray;
import org.coverlab.model.nn.BlockScope;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.GroupNorm;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.Scope;
import org.coverlab.model.unet.ResnetBlock2D;
import org.coverlab.model.unet.Upsample2D;

import java.util.ArrayList;
import java.util.List;

/** Latents to image, mirroring the encoder with one extra resnet per block. */
final class VaeDecoder {
    private final Conv2d convIn;
    private final VaeMidBlock mid;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Upsample2D> upsamplers = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;

    VaeDecoder(Scope s, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        convIn = new Conv2d(s.child("conv_in"), c.latentChannels(), ch[n - 1], 3, 1, 1);
        mid = new VaeMidBlock(s.child("mid_block"), c, ch[n - 1]);
        long prev = ch[n - 1];
        for (int i = 0; i < n; i++) {
            long out = ch[n - 1 - i];
            Scope block = s.child("up_blocks").child(i);
            List<ResnetBlock2D> blockResnets = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock() + 1; j++) {
                blockResnets.add(new ResnetBlock2D(block.child("resnets").child(j), j == 0 ? prev : out, out, 0,
                        c.normNumGroups(), 1e-6f, 1f));
            }
            resnets.add(blockResnets);
            upsamplers.add(i == n - 1 ? null : new Upsample2D(block.child("upsamplers").child(0), out));
            prev = out;
        }
        normOut = new GroupNorm(s.child("conv_norm_out"), c.normNumGroups(), ch[0], 1e-6f);
        convOut = new Conv2d(s.child("conv_out"), ch[0], c.outChannels(), 3, 1, 1);
    }

    NDArray forward(NDArray z) {
        NDArray x = BlockScope.run(convIn.forward(z), null, mid::forward);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) {
                x = BlockScope.run(x, null, in -> r.forward(in, null));
            }
            if (upsamplers.get(i) != null) {
                x = upsamplers.get(i).forward(x, null);
            }
        }
        return convOut.forward(Ops.silu(normOut.forward(x)));
    }
}
