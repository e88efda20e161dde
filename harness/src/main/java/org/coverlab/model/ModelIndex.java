package org.coverlab.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** model_index.json of a StableDiffusionPipeline folder, as diffusers writes it. */
public final class ModelIndex {
    private ModelIndex() {
    }

    public static ObjectNode standard() {
        ObjectNode j = ConfigJson.MAPPER.createObjectNode();
        j.put("_class_name", "StableDiffusionPipeline");
        j.put("_diffusers_version", "0.42.1");
        j.putArray("feature_extractor").addNull().addNull();
        j.putArray("image_encoder").addNull().addNull();
        j.put("requires_safety_checker", false);
        j.putArray("safety_checker").addNull().addNull();
        j.putArray("scheduler").add("diffusers").add("DDIMScheduler");
        j.putArray("text_encoder").add("transformers").add("CLIPTextModel");
        j.putArray("tokenizer").add("transformers").add("CLIPTokenizer");
        j.putArray("unet").add("diffusers").add("UNet2DConditionModel");
        j.putArray("vae").add("diffusers").add("AutoencoderKL");
        return j;
    }

    static void writeIfAbsent(Path folder) {
        Path file = folder.resolve("model_index.json");
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createDirectories(folder);
            Files.writeString(file, PythonJson.write(standard()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
