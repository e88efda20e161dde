package org.coverlab.model.inception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.coverlab.metrics.FidVectors;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorDType;
import org.coverlab.model.nn.WeightLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FidInceptionConformanceTest {

    @Test
    void pool3FeaturesMatchPytorchFidWithinOneTenThousandth() throws Exception {
        JsonNode v = FidVectors.vectors();
        List<BufferedImage> images = new ArrayList<>();
        for (JsonNode name : v.get("images")) {
            images.add(ImageIO.read(FidVectors.dir().resolve("images").resolve(name.asText()).toFile()));
        }
        try (NDManager m = NDManager.newBaseManager();
             FidInceptionV3 model = FidInceptionV3.reference(m, v.get("seed").asLong())) {
            // images of different sizes, each resized to 299x299 like pytorch-fid's batch_size=1 loop
            double worst = 0;
            for (int i = 0; i < images.size(); i++) {
                float[] got = model.features(List.of(images.get(i)))[0];
                JsonNode expected = v.get("features").get(i);
                assertEquals(FidInceptionV3.DIMS, expected.size());
                for (int j = 0; j < got.length; j++) {
                    worst = Math.max(worst, Math.abs(got[j] - expected.get(j).asDouble()));
                }
            }
            assertTrue(worst <= 1e-4, "largest feature difference " + worst);
        }
    }

    @Test
    void aWeightsFileWithMissingKeysIsRefusedNamingThem(@TempDir Path tmp) {
        Map<String, long[]> layout = FidInceptionV3.layout();
        assertEquals(94 * 5, layout.size());
        List<SafeTensors.PendingTensor> tensors = new ArrayList<>();
        layout.forEach((k, shape) -> {
            if (!k.startsWith("Mixed_7c.branch_pool.")) {
                tensors.add(zeros(k, shape));
            }
        });
        tensors.add(zeros("fc.weight", new long[] {1008, 2048}));
        Path file = tmp.resolve("partial.safetensors");
        SafeTensors.writeStreaming(file, Map.of("format", "pt"), tensors);
        try (NDManager m = NDManager.newBaseManager()) {
            WeightLoadException e = assertThrows(WeightLoadException.class, () -> FidInceptionV3.load(file, m));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertEquals(5, e.missing().size());
            assertTrue(e.missing().contains("Mixed_7c.branch_pool.bn.running_var"), e.missing().toString());
            assertTrue(e.unexpected().isEmpty(), "the fc head is ignored, not unexpected");
        }
    }

    private static SafeTensors.PendingTensor zeros(String key, long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        long bytes = n * 4;
        return new SafeTensors.PendingTensor(key, TensorDType.F32, shape,
                () -> java.nio.ByteBuffer.allocate((int) bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN));
    }
}
