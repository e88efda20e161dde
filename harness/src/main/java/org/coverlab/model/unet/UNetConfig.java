package org.coverlab.model.unet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.ModelConfigException;

import java.util.List;

/**
 * UNet2DConditionModel settings as diffusers' config.json states them, resolved per block. Features this
 * implementation does not have (class / addition embeddings, other mid blocks, scale-shift norms...) are
 * rejected when the config is read rather than silently ignored.
 *
 * <p>{@code resnet_out_scale_factor} is accepted and has no effect: diffusers passes it only to
 * ResnetDownsampleBlock2D and the SimpleCrossAttn blocks, none of which this implementation has, so the resnets of
 * the standard blocks keep an output scale of 1. {@code midBlock} is false for {@code "mid_block_type": null}, a
 * UNet whose deepest down block feeds the up path directly.
 */
public record UNetConfig(int inChannels, int outChannels, int[] blockOutChannels, List<String> downBlockTypes,
                         List<String> upBlockTypes, int[] layersPerBlock, int[] crossAttentionDim,
                         int[] numAttentionHeads, int[] transformerLayersPerBlock, int[] upTransformerLayers,
                         boolean useLinearProjection, int normNumGroups, float normEps, boolean flipSinToCos,
                         float freqShift, int downsamplePadding, boolean midBlock, float midBlockScaleFactor,
                         int sampleSize, ObjectNode json) {

    public static final String CROSS_DOWN = "CrossAttnDownBlock2D";
    public static final String DOWN = "DownBlock2D";
    public static final String CROSS_UP = "CrossAttnUpBlock2D";
    public static final String UP = "UpBlock2D";

    public UNetConfig {
        json = json.deepCopy();
    }

    @Override
    public ObjectNode json() {
        return json.deepCopy();
    }

    public int timeEmbedDim() {
        return blockOutChannels[0] * 4;
    }

    public static UNetConfig from(ConfigJson c) {
        String cls = c.string("_class_name", "UNet2DConditionModel");
        if (!cls.equals("UNet2DConditionModel")) {
            throw new ModelConfigException(c.file(), "'_class_name' is " + cls + ", expected UNet2DConditionModel");
        }
        c.requireOneOf("class_embed_type");
        c.requireOneOf("addition_embed_type");
        c.requireOneOf("encoder_hid_dim_type");
        c.requireOneOf("time_cond_proj_dim");
        c.requireOneOf("time_embedding_dim");
        c.requireOneOf("time_embedding_act_fn");
        c.requireOneOf("timestep_post_act");
        c.requireOneOf("reverse_transformer_layers_per_block");
        c.requireOneOf("time_embedding_type", "positional");
        // absent means diffusers' default mid block; an explicit null means none (diffusers builds no mid_block)
        boolean midBlock = !c.isExplicitNull("mid_block_type");
        c.requireOneOf("mid_block_type", "UNetMidBlock2DCrossAttn");
        c.requireOneOf("resnet_time_scale_shift", "default");
        c.requireOneOf("act_fn", "silu");
        c.requireOneOf("only_cross_attention", false);
        c.requireOneOf("dual_cross_attention", false);
        c.requireOneOf("center_input_sample", false);
        c.requireOneOf("conv_in_kernel", 3);
        c.requireOneOf("conv_out_kernel", 3);
        c.requireOneOf("resnet_skip_time_act", false);
        c.requireOneOf("attention_type", "default");
        c.requireOneOf("cross_attention_norm");
        int[] channels = c.has("block_out_channels") ? c.ints("block_out_channels") : new int[] {320, 640, 1280, 1280};
        int n = channels.length;
        List<String> down = c.has("down_block_types") ? c.strings("down_block_types")
                : List.of(CROSS_DOWN, CROSS_DOWN, CROSS_DOWN, DOWN);
        List<String> up = c.has("up_block_types") ? c.strings("up_block_types")
                : List.of(UP, CROSS_UP, CROSS_UP, CROSS_UP);
        if (down.size() != n || up.size() != n) {
            throw new ModelConfigException(c.file(), "down_block_types (" + down.size() + ") and up_block_types ("
                    + up.size() + ") must both have one entry per block_out_channels entry (" + n + ")");
        }
        for (String t : down) {
            if (!t.equals(CROSS_DOWN) && !t.equals(DOWN)) {
                throw new ModelConfigException(c.file(), "down block type '" + t + "' is not supported (use "
                        + CROSS_DOWN + " or " + DOWN + ")");
            }
        }
        for (String t : up) {
            if (!t.equals(CROSS_UP) && !t.equals(UP)) {
                throw new ModelConfigException(c.file(), "up block type '" + t + "' is not supported (use "
                        + CROSS_UP + " or " + UP + ")");
            }
        }
        // diffusers' historical naming: without num_attention_heads, attention_head_dim is the number of heads
        int[] heads = c.has("num_attention_heads") ? c.intPerBlock("num_attention_heads", n, null)
                : c.intPerBlock("attention_head_dim", n, 8);
        int[] transformerLayers = c.intPerBlock("transformer_layers_per_block", n, 1);
        int[] upTransformerLayers = new int[n];
        for (int i = 0; i < n; i++) {
            upTransformerLayers[i] = transformerLayers[n - 1 - i];
        }
        int groups = c.integer("norm_num_groups", 32);
        for (int ch : channels) {
            if (ch % groups != 0) {
                throw new ModelConfigException(c.file(), "norm_num_groups " + groups + " does not divide block channel "
                        + "count " + ch);
            }
        }
        return new UNetConfig(c.integer("in_channels", 4), c.integer("out_channels", 4), channels, down, up,
                c.intPerBlock("layers_per_block", n, 2), c.intPerBlock("cross_attention_dim", n, 1280), heads,
                transformerLayers, upTransformerLayers, c.bool("use_linear_projection", false), groups,
                (float) c.real("norm_eps", 1e-5), c.bool("flip_sin_to_cos", true), (float) c.real("freq_shift", 0.0),
                c.integer("downsample_padding", 1), midBlock, (float) c.real("mid_block_scale_factor", 1.0),
                c.integer("sample_size", 64), c.json());
    }

    /** Stable Diffusion 1.5's UNet (runwayml/stable-diffusion-v1-5 unet/config.json). */
    public static UNetConfig sd15() {
        return of(64, new int[] {320, 640, 1280, 1280}, List.of(CROSS_DOWN, CROSS_DOWN, CROSS_DOWN, DOWN),
                List.of(UP, CROSS_UP, CROSS_UP, CROSS_UP), 2, 768, new int[] {8, 8, 8, 8}, 32, false);
    }

    /** A config.json as diffusers writes it for a model defined in code (e.g. the tiny preset). */
    public static UNetConfig of(int sampleSize, int[] blockOutChannels, List<String> down, List<String> up,
                                int layersPerBlock, int crossAttentionDim, int[] attentionHeads, int normNumGroups,
                                boolean useLinearProjection) {
        ObjectNode j = ConfigJson.MAPPER.createObjectNode();
        j.put("_class_name", "UNet2DConditionModel");
        j.put("_diffusers_version", "0.42.1");
        j.put("act_fn", "silu");
        ArrayNode heads = j.putArray("attention_head_dim");
        for (int h : attentionHeads) {
            heads.add(h);
        }
        ArrayNode ch = j.putArray("block_out_channels");
        for (int c : blockOutChannels) {
            ch.add(c);
        }
        j.put("center_input_sample", false);
        j.put("cross_attention_dim", crossAttentionDim);
        ArrayNode d = j.putArray("down_block_types");
        down.forEach(d::add);
        j.put("downsample_padding", 1);
        j.put("flip_sin_to_cos", true);
        j.put("freq_shift", 0);
        j.put("in_channels", 4);
        j.put("layers_per_block", layersPerBlock);
        j.put("mid_block_scale_factor", 1);
        j.put("norm_eps", 1e-5);
        j.put("norm_num_groups", normNumGroups);
        j.put("out_channels", 4);
        j.put("sample_size", sampleSize);
        ArrayNode u = j.putArray("up_block_types");
        up.forEach(u::add);
        j.put("use_linear_projection", useLinearProjection);
        return from(new ConfigJson(null, j));
    }
}
