package org.coverlab.model;

import ai.djl.ndarray.NDManager;
import org.coverlab.model.clip.ClipTextConfig;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.unet.UNetConfig;
import org.coverlab.model.vae.AutoencoderKL;
import org.coverlab.model.vae.VaeConfig;

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
        checkIndex(folder);
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

    /**
     * Checks what loading would read first, in milliseconds and without touching the weights: model_index.json, each
     * network's config.json and its safetensors header (which must account for the file's size exactly, so a
     * truncated download is caught). Throws the loader's own bad-input exception naming the file.
     */
    public static void checkFiles(Path folder) {
        checkIndex(folder);
        Path text = folder.resolve("text_encoder");
        ClipTextConfig.from(ConfigJson.read(text.resolve("config.json")));
        SafeTensors.readHeader(ComponentFolder.weights(text, ClipTextModel.WEIGHTS));
        Path unet = folder.resolve("unet");
        UNetConfig.from(ConfigJson.read(unet.resolve("config.json")));
        SafeTensors.readHeader(ComponentFolder.weights(unet, UNet2DConditionModel.WEIGHTS));
        Path vae = folder.resolve("vae");
        VaeConfig.from(ConfigJson.read(vae.resolve("config.json")));
        SafeTensors.readHeader(ComponentFolder.weights(vae, AutoencoderKL.WEIGHTS));
    }

    private static void checkIndex(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ModelConfigException(folder, "not a directory (expected a diffusers Stable Diffusion folder)");
        }
        Path index = folder.resolve("model_index.json");
        if (!Files.isRegularFile(index)) {
            throw new ModelConfigException(index, "missing; is " + folder + " a diffusers pipeline folder?");
        }
        checkIndex(ConfigJson.read(index));
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
