package org.coverlab.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.coverlab.model.ComponentFolder;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.nn.BlockScope;
import org.coverlab.model.nn.Conv2d;
import org.coverlab.model.nn.GroupNorm;
import org.coverlab.model.nn.Ops;
import org.coverlab.model.nn.ParamStore;
import org.coverlab.model.nn.Scope;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' UNet2DConditionModel (the Stable Diffusion 1.x/2.x denoiser): predicts noise from noisy latents,
 * timesteps and text states. Parameter names are diffusers' state-dict keys.
 */
public final class UNet2DConditionModel implements AutoCloseable {
    public static final String WEIGHTS = "diffusion_pytorch_model.safetensors";

    private final UNetConfig config;
    private final ParamStore params;
    private final Conv2d convIn;
    private final TimestepEmbedding time;
    private final List<DownBlock> down = new ArrayList<>();
    private final MidBlockCrossAttn mid; // null for "mid_block_type": null
    private final List<UpBlock> up = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private UNet2DConditionModel(UNetConfig c, NDManager manager) {
        this.config = c;
        this.params = new ParamStore(manager);
        Scope root = params.root();
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        long temb = c.timeEmbedDim();
        convIn = new Conv2d(root.child("conv_in"), c.inChannels(), ch[0], 3, 1, 1);
        time = new TimestepEmbedding(root.child("time_embedding"), ch[0], temb, c.flipSinToCos(), c.freqShift());
        long prev = ch[0];
        for (int i = 0; i < n; i++) {
            down.add(new DownBlock(root.child("down_blocks").child(i), c, i, prev, ch[i], temb,
                    c.downBlockTypes().get(i).equals(UNetConfig.CROSS_DOWN)));
            prev = ch[i];
        }
        mid = c.midBlock() ? new MidBlockCrossAttn(root.child("mid_block"), c, ch[n - 1], temb) : null;
        long out = ch[n - 1];
        for (int i = 0; i < n; i++) {
            long prevOut = out;
            out = ch[n - 1 - i];
            long skipIn = ch[Math.max(n - 2 - i, 0)];
            up.add(new UpBlock(root.child("up_blocks").child(i), c, i, prevOut, out, skipIn, temb,
                    c.upBlockTypes().get(i).equals(UNetConfig.CROSS_UP)));
        }
        normOut = new GroupNorm(root.child("conv_norm_out"), c.normNumGroups(), ch[0], c.normEps());
        convOut = new Conv2d(root.child("conv_out"), ch[0], c.outChannels(), 3, 1, 1);
    }

    public static UNet2DConditionModel load(Path folder, NDManager manager) {
        UNet2DConditionModel model = new UNet2DConditionModel(UNetConfig.from(ConfigJson.read(folder.resolve("config.json"))),
                manager);
        try {
            model.params.load(ComponentFolder.weights(folder, WEIGHTS), k -> k, k -> false);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public static UNet2DConditionModel create(UNetConfig config, NDManager manager, long seed) {
        UNet2DConditionModel model = new UNet2DConditionModel(config, manager);
        model.params.initialize(seed);
        return model;
    }

    /**
     * The state-dict keys and shapes a checkpoint for this config must contain, without allocating any weights
     * (a full-size SD1.5 layout costs nothing to list).
     */
    public static java.util.Map<String, long[]> layout(UNetConfig config) {
        try (NDManager manager = NDManager.newBaseManager();
             UNet2DConditionModel model = new UNet2DConditionModel(config, manager)) {
            return model.params.layout();
        }
    }

    public void save(Path folder) {
        ComponentFolder.writeConfig(folder, config.json());
        params.save(folder.resolve(WEIGHTS));
    }

    public UNetConfig config() {
        return config;
    }

    public ParamStore params() {
        return params;
    }

    /**
     * Noise prediction.
     *
     * @param sample    noisy latents (B, in_channels, H, W)
     * @param timesteps (B) or a scalar
     * @param context   text states (B, L, cross_attention_dim)
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context) {
        long batch = sample.getShape().get(0);
        NDArray t = timesteps.getShape().dimension() == 0 ? timesteps.reshape(1).repeat(0, batch) : timesteps;
        NDArray temb = time.forward(t);
        NDArray x = convIn.forward(sample);
        List<NDArray> skips = new ArrayList<>();
        skips.add(x);
        for (DownBlock block : down) {
            x = BlockScope.run(x, skips, in -> block.forward(in, temb, context, skips));
        }
        if (mid != null) {
            x = BlockScope.run(x, null, in -> mid.forward(in, temb, context));
        }
        for (int i = 0; i < up.size(); i++) {
            UpBlock block = up.get(i);
            long[] upsampleSize = null;
            if (i < up.size() - 1) {
                // the skip this block's upsampler must match is the one just below its own skips
                NDArray target = skips.get(skips.size() - 1 - block.resnetCount());
                upsampleSize = new long[] {target.getShape().get(2), target.getShape().get(3)};
            }
            long[] size = upsampleSize;
            x = BlockScope.run(x, null, in -> block.forward(in, temb, context, skips, size));
        }
        return convOut.forward(Ops.silu(normOut.forward(x)));
    }

    @Override
    public void close() {
        params.close();
    }
}
