package org.coverlab.model;

import ai.djl.ndarray.NDManager;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorEntry;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.vae.AutoencoderKL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CheckpointRoundTripTest {

    /** Loading a diffusers/transformers folder and saving it again reproduces both files byte for byte. */
    @ParameterizedTest
    @ValueSource(strings = {"clip_quick_gelu", "unet_a", "unet_b", "vae"})
    void loadThenSaveReproducesDiffusersFilesExactly(String name, @TempDir Path out) throws IOException {
        Path src = Reference.model(name);
        String weights;
        try (NDManager m = NDManager.newBaseManager()) {
            if (name.startsWith("clip")) {
                try (ClipTextModel model = ClipTextModel.load(src, m)) {
                    model.save(out);
                }
                weights = ClipTextModel.WEIGHTS;
            } else if (name.startsWith("unet")) {
                try (UNet2DConditionModel model = UNet2DConditionModel.load(src, m)) {
                    model.save(out);
                }
                weights = UNet2DConditionModel.WEIGHTS;
            } else {
                try (AutoencoderKL model = AutoencoderKL.load(src, m)) {
                    model.save(out);
                }
                weights = AutoencoderKL.WEIGHTS;
            }
        }
        assertArrayEquals(Files.readAllBytes(src.resolve(weights)), Files.readAllBytes(out.resolve(weights)),
                name + "/" + weights + " differs after load/save");
        assertEquals(Files.readString(src.resolve("config.json")), Files.readString(out.resolve("config.json")),
                name + "/config.json differs after load/save");
    }

    /** The writer lays out mixed dtypes exactly like safetensors.torch.save_file (dtype width, then name). */
    @Test
    void writerMatchesReferenceLayoutForEveryDtype(@TempDir Path out) throws IOException {
        Path ref = Reference.conformance("io/mixed_dtypes.safetensors");
        List<TensorEntry> tensors = new ArrayList<>(SafeTensors.readAll(ref));
        Collections.reverse(tensors);
        Path copy = out.resolve("copy.safetensors");
        SafeTensors.write(copy, SafeTensors.readHeader(ref).metadata(), tensors);
        assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(copy));
    }
}
