package org.coverlab.model.vae;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.coverlab.model.ConfigJson;
import org.coverlab.model.ModelConfigException;

/** AutoencoderKL settings from diffusers' config.json. */
public record VaeConfig(int inChannels, int outChannels, int[] blockOutChannels, int layersPerBlock,
                        int latentChannels, int normNumGroups, int sampleSize, float scalingFactor, float shiftFactor,
                        boolean useQuantConv, boolean usePostQuantConv, boolean midBlockAddAttention, ObjectNode json) {

    public VaeConfig {
        json = json.deepCopy();
    }

    @Override
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** Spatial factor between image and latent (2 per downsampling block). */
    public int downscale() {
        return 1 << (blockOutChannels.length - 1);
    }

    public static VaeConfig from(ConfigJson c) {
        String cls = c.string("_class_name", "AutoencoderKL");
        if (!cls.equals("AutoencoderKL")) {
            throw new ModelConfigException(c.file(), "'_class_name' is " + cls + ", expected AutoencoderKL");
        }
        c.requireOneOf("act_fn", "silu");
        c.requireOneOf("latents_mean");
        c.requireOneOf("latents_std");
        int[] ch = c.has("block_out_channels") ? c.ints("block_out_channels") : new int[] {64};
        for (String key : new String[] {"down_block_types", "up_block_types"}) {
            if (c.has(key)) {
                String expected = key.startsWith("down") ? "DownEncoderBlock2D" : "UpDecoderBlock2D";
                var types = c.strings(key);
                if (types.size() != ch.length || types.stream().anyMatch(t -> !t.equals(expected))) {
                    throw new ModelConfigException(c.file(), "'" + key + "' must list " + expected + " once per "
                            + "block_out_channels entry (" + ch.length + "), got " + types);
                }
            }
        }
        int groups = c.integer("norm_num_groups", 32);
        for (int v : ch) {
            if (v % groups != 0) {
                throw new ModelConfigException(c.file(), "norm_num_groups " + groups + " does not divide block channel "
                        + "count " + v);
            }
        }
        return new VaeConfig(c.integer("in_channels", 3), c.integer("out_channels", 3), ch,
                c.integer("layers_per_block", 1), c.integer("latent_channels", 4), groups, c.integer("sample_size", 32),
                (float) c.real("scaling_factor", 0.18215), (float) c.real("shift_factor", 0.0),
                c.bool("use_quant_conv", true), c.bool("use_post_quant_conv", true),
                c.bool("mid_block_add_attention", true), c.json());
    }

    public static VaeConfig of(int sampleSize, int[] blockOutChannels, int layersPerBlock, int latentChannels,
                               int normNumGroups, float scalingFactor) {
        ObjectNode j = ConfigJson.MAPPER.createObjectNode();
        j.put("_class_name", "AutoencoderKL");
        j.put("_diffusers_version", "0.42.1");
        j.put("act_fn", "silu");
        ArrayNode ch = j.putArray("block_out_channels");
        ArrayNode down = j.putArray("down_block_types");
        ArrayNode up = j.putArray("up_block_types");
        for (int c : blockOutChannels) {
            ch.add(c);
            down.add("DownEncoderBlock2D");
            up.add("UpDecoderBlock2D");
        }
        j.put("force_upcast", true);
        j.put("in_channels", 3);
        j.put("latent_channels", latentChannels);
        j.put("layers_per_block", layersPerBlock);
        j.put("mid_block_add_attention", true);
        j.put("norm_num_groups", normNumGroups);
        j.put("out_channels", 3);
        j.put("sample_size", sampleSize);
        j.put("scaling_factor", scalingFactor);
        j.put("use_post_quant_conv", true);
        j.put("use_quant_conv", true);
        return from(new ConfigJson(null, j));
    }
}
