package org.coverlab.model;

import ai.djl.ndarray.NDManager;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.vae.AutoencoderKL;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The three networks of a Stable Diffusion checkpoint, loaded from / saved to the diffusers folder layout
 * (text_encoder/, unet/, vae/ next to model_index.json). Tokenizer and scheduler folders are read by their own
 * classes; saving copies nothing but the networks and leaves those folders to their owners.
 */
public record StableDiffusionModels(ClipTextModel textEncoder, UNet2DConditionModel unet, AutoencoderKL vae)
        implements AutoCloseable {

    public static StableDiffusionModels load(Path folder, NDManager manager) {
        if (!Files.isDirectory(folder)) {
            throw new ModelConfigException(folder, "not a directory (expected a diffusers Stable Diffusion folder)");
        }
        Path index = folder.resolve("model_index.json");
        if (!Files.isRegularFile(index)) {
            throw new ModelConfigException(index, "missing; is " + folder + " a diffusers pipeline folder?");
        }
        checkIndex(ConfigJson.read(index));
        ClipTextModel text = null;
        UNet2DConditionModel unet = null;
        try {
            text = ClipTextModel.load(folder.resolve("text_encoder"), manager);
            unet = UNet2DConditionModel.load(folder.resolve("unet"), manager);
            AutoencoderKL vae = AutoencoderKL.load(folder.resolve("vae"), manager);
            return new StableDiffusionModels(text, unet, vae);
        } catch (RuntimeException e) {
            if (unet != null) {
                unet.close();
            }
            if (text != null) {
                text.close();
            }
            throw e;
        }
    }

    /** Refuses pipelines with other networks (SDXL's second text encoder, Kandinsky, ...) before loading gigabytes. */
    private static void checkIndex(ConfigJson index) {
        if (index.has("text_encoder_2")) {
            throw new ModelConfigException(index.file(), "has text_encoder_2: SDXL-style pipelines are not supported "
                    + "(expected a Stable Diffusion 1.x/2.x folder)");
        }
        java.util.Map<String, String> expected = java.util.Map.of("text_encoder", "CLIPTextModel",
                "unet", "UNet2DConditionModel", "vae", "AutoencoderKL");
        for (var e : expected.entrySet()) {
            java.util.List<String> entry = index.has(e.getKey()) ? index.strings(e.getKey()) : java.util.List.of();
            if (entry.size() != 2 || !entry.get(1).equals(e.getValue())) {
                throw new ModelConfigException(index.file(), "'" + e.getKey() + "' should be [library, \""
                        + e.getValue() + "\"], got " + entry);
            }
        }
    }

    /** Writes text_encoder/, unet/, vae/ and (when absent) a model_index.json naming them. */
    public void save(Path folder) {
        textEncoder.save(folder.resolve("text_encoder"));
        unet.save(folder.resolve("unet"));
        vae.save(folder.resolve("vae"));
        ModelIndex.writeIfAbsent(folder);
    }

    /** Spatial factor between image pixels and latents. */
    public int vaeScaleFactor() {
        return vae.config().downscale();
    }

    @Override
    public void close() {
        vae.close();
        unet.close();
        textEncoder.close();
    }
}
