package org.coverlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.coverlab.model.clip.ClipTextModel;
import org.coverlab.model.io.NDArrays;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.SafeTensorsException;
import org.coverlab.model.io.TensorDType;
import org.coverlab.model.io.TensorEntry;
import org.coverlab.model.nn.WeightLoadException;
import org.coverlab.model.unet.UNet2DConditionModel;
import org.coverlab.model.vae.AutoencoderKL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointValidationTest {

    private static Path copyOf(String name, Path dir) throws IOException {
        Path src = Reference.model(name);
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        return dir;
    }

    @Test
    void missingUnexpectedAndMismatchedKeysAreAllReportedAndNothingLoads(@TempDir Path dir) throws IOException {
        Path folder = copyOf("unet_b", dir);
        List<TensorEntry> tensors = new ArrayList<>();
        for (TensorEntry t : SafeTensors.readAll(Reference.model("unet_b").resolve(UNet2DConditionModel.WEIGHTS))) {
            switch (t.name()) {
                case "conv_in.bias", "mid_block.resnets.1.conv2.weight" -> { } // dropped: missing
                case "conv_out.weight" -> tensors.add(new TensorEntry(t.name(), t.dtype(), new long[] {4, 8, 1, 1},
                        zeros(4 * 8 * 4)));
                default -> tensors.add(t);
            }
        }
        tensors.add(new TensorEntry("extra.lora_up.weight", TensorDType.F32, new long[] {2}, zeros(8)));
        Path weights = folder.resolve(UNet2DConditionModel.WEIGHTS);
        SafeTensors.write(weights, Map.of("format", "pt"), tensors);

        try (NDManager m = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class, () -> UNet2DConditionModel.load(folder, m));
            assertEquals(List.of("conv_in.bias", "mid_block.resnets.1.conv2.weight"), e.missing());
            assertEquals(List.of("extra.lora_up.weight"), e.unexpected());
            assertEquals(List.of("conv_out.weight: file [4, 8, 1, 1], model expects [4, 8, 3, 3]"), e.mismatched());
            assertTrue(e.getMessage().contains(weights.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("nothing was loaded"), e.getMessage());
        }
    }

    @Test
    void legacyVaeAttentionNamesLoadAndAreWrittenBackUnchanged(@TempDir Path dir) throws IOException {
        Path folder = copyOf("vae", dir.resolve("in"));
        List<TensorEntry> legacy = new ArrayList<>();
        for (TensorEntry t : SafeTensors.readAll(Reference.model("vae").resolve(AutoencoderKL.WEIGHTS))) {
            String name = t.name().replace("attentions.0.to_q", "attentions.0.query")
                    .replace("attentions.0.to_k", "attentions.0.key").replace("attentions.0.to_v", "attentions.0.value")
                    .replace("attentions.0.to_out.0", "attentions.0.proj_attn");
            legacy.add(new TensorEntry(name, t.dtype(), t.shape(), t.data()));
        }
        SafeTensors.write(folder.resolve(AutoencoderKL.WEIGHTS), Map.of("format", "pt"), legacy);
        try (NDManager m = NDManager.newBaseManager(); AutoencoderKL vae = AutoencoderKL.load(folder, m)) {
            vae.save(dir.resolve("out"));
        }
        assertEquals(Files.mismatch(folder.resolve(AutoencoderKL.WEIGHTS), dir.resolve("out").resolve(AutoencoderKL.WEIGHTS)), -1L);
    }

    /** transformers 4 files (as in SD1.5's text_encoder/) prefix keys with "text_model." and carry position_ids. */
    @Test
    void transformers4TextEncoderLoadsComputesTheSameAndSavesBackUnchanged(@TempDir Path dir) throws IOException {
        Path folder = copyOf("clip_quick_gelu", dir.resolve("in"));
        List<TensorEntry> legacy = new ArrayList<>();
        for (TensorEntry t : SafeTensors.readAll(Reference.model("clip_quick_gelu").resolve(ClipTextModel.WEIGHTS))) {
            legacy.add(new TensorEntry("text_model." + t.name(), t.dtype(), t.shape(), t.data()));
        }
        ByteBuffer positions = ByteBuffer.allocate(16 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < 16; i++) {
            positions.putLong(i);
        }
        legacy.add(new TensorEntry("text_model.embeddings.position_ids", TensorDType.I64, new long[] {1, 16},
                positions.flip()));
        SafeTensors.write(folder.resolve(ClipTextModel.WEIGHTS), Map.of("format", "pt"), legacy);
        try (NDManager m = NDManager.newBaseManager(); ClipTextModel clip = ClipTextModel.load(folder, m)) {
            Map<String, NDArray> io = Reference.io("clip_quick_gelu", m);
            Reference.assertClose(clip.encode(io.get("input_ids").toType(DataType.INT64, false), 0),
                    io.get("last_hidden_state"), "transformers-4 layout last hidden state");
            clip.save(dir.resolve("out"));
        }
        assertEquals(-1L, Files.mismatch(folder.resolve(ClipTextModel.WEIGHTS),
                dir.resolve("out").resolve(ClipTextModel.WEIGHTS)));
    }

    /**
     * Half-precision checkpoints (most published SD weights, often as the ".fp16" variant file) compute in fp32 and
     * save back as the same fp16 bytes under the standard name.
     */
    @Test
    void fp16CheckpointLoadsAndSavesBackAsFp16(@TempDir Path dir) throws IOException {
        Path folder = copyOf("unet_b", dir.resolve("in"));
        List<TensorEntry> half = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (TensorEntry t : SafeTensors.readAll(Reference.model("unet_b").resolve(UNet2DConditionModel.WEIGHTS))) {
                NDArray h = NDArrays.toFloat32(m, t).toType(DataType.FLOAT16, false);
                half.add(new TensorEntry(t.name(), TensorDType.F16, t.shape(), copy(h.toByteBuffer())));
            }
            SafeTensors.write(folder.resolve(FP16_VARIANT), Map.of("format", "pt"), half);
            try (UNet2DConditionModel unet = UNet2DConditionModel.load(folder, m)) {
                Map<String, NDArray> io = Reference.io("unet_b", m);
                NDArray out = unet.forward(io.get("latents"), io.get("timesteps"), io.get("encoder_hidden_states"));
                float err = Reference.maxAbsDiff(out, io.get("noise_pred"));
                assertTrue(err < 2e-2, "fp16 weights should stay within fp16 rounding of the fp32 result, got " + err);
                unet.save(dir.resolve("out"));
            }
        }
        assertEquals(-1L, Files.mismatch(folder.resolve(FP16_VARIANT),
                dir.resolve("out").resolve(UNet2DConditionModel.WEIGHTS)));
    }

    private static final String FP16_VARIANT = "diffusion_pytorch_model.fp16.safetensors";

    @Test
    void truncatedWeightFileIsRejectedWithItsName(@TempDir Path dir) throws IOException {
        Path folder = copyOf("vae", dir);
        byte[] bytes = Files.readAllBytes(Reference.model("vae").resolve(AutoencoderKL.WEIGHTS));
        Path weights = folder.resolve(AutoencoderKL.WEIGHTS);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> AutoencoderKL.load(folder, m));
            assertTrue(e.getMessage().startsWith(weights.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void unsupportedConfigValuesNameFileAndKey(@TempDir Path dir) throws IOException {
        Path folder = copyOf("unet_a", dir);
        Path config = folder.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"DownBlock2D\"", "\"AttnDownBlock2D\""));
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfigException e = assertThrows(ModelConfigException.class, () -> UNet2DConditionModel.load(folder, m));
            assertTrue(e.getMessage().startsWith(config.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("AttnDownBlock2D"), e.getMessage());
        }
    }

    @Test
    void pickleOnlyFolderAsksForSafetensors(@TempDir Path dir) throws IOException {
        Path folder = copyOf("unet_a", dir);
        Files.write(folder.resolve("diffusion_pytorch_model.bin"), new byte[] {1});
        try (NDManager m = NDManager.newBaseManager()) {
            ModelConfigException e = assertThrows(ModelConfigException.class, () -> UNet2DConditionModel.load(folder, m));
            assertTrue(e.getMessage().contains("Convert it to safetensors"), e.getMessage());
        }
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(b.duplicate().order(ByteOrder.LITTLE_ENDIAN)).flip();
        return c;
    }

    private static ByteBuffer zeros(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
