package org.coverlab.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** File layout of one diffusers component folder (config.json + one safetensors weight file). */
public final class ComponentFolder {
    private ComponentFolder() {
    }

    /**
     * The weight file, falling back to diffusers' fp16 variant ({@code *.fp16.safetensors}, what many published
     * SD folders ship); a clear message when only a pickle checkpoint or nothing is there.
     */
    public static Path weights(Path folder, String fileName) {
        Path file = folder.resolve(fileName);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path variant = folder.resolve(fileName.replace(".safetensors", ".fp16.safetensors"));
        if (Files.isRegularFile(variant)) {
            return variant;
        }
        String bin = fileName.replace(".safetensors", ".bin").replace("model.bin", "pytorch_model.bin");
        if (fileName.startsWith("diffusion_pytorch_model")) {
            bin = "diffusion_pytorch_model.bin";
        }
        if (Files.isRegularFile(folder.resolve(bin))) {
            throw new ModelConfigException(file, "missing; the folder has only " + bin
                    + " (pickle). Convert it to safetensors (e.g. save_pretrained(..., safe_serialization=True))");
        }
        throw new ModelConfigException(file, "missing weight file");
    }

    public static void writeConfig(Path folder, ObjectNode config) {
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("config.json"), PythonJson.write(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + folder.resolve("config.json"), e);
        }
    }
}
