package org.coverlab.diffusion;

import static org.coverlab.diffusion.ReferenceVectors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seed to latents equals {@code torch.manual_seed(seed); torch.randn(shape)}, for several seeds and shapes. */
class InitialLatentsConformanceTest {

    private static ReferenceVectors ref;

    @BeforeAll
    static void load() {
        ref = new ReferenceVectors();
    }

    @AfterAll
    static void close() {
        ref.close();
    }

    @Test
    void seededLatentsEqualTorchManualSeedRandn() {
        try (NDManager m = ref.manager.newSubManager()) {
            for (JsonNode c : ref.cases.get("latents")) {
                long[] shape = new long[c.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = c.get("shape").get(i).longValue();
                NDArray actual = TorchRandom.randn(m, c.get("seed").longValue(), new Shape(shape));
                assertClose(ref.get(c.get("key").textValue()), actual, c.get("key").textValue());
            }
        }
    }

    @Test
    void gridLatentsStackOneDrawPerSeed() {
        try (NDManager m = ref.manager.newSubManager()) {
            NDArray grid = InitialLatents.forSeeds(m, List.of(0L, 42L, 1L), 4, 12, 8);
            assertArrayEquals(new long[] {3, 4, 12, 8}, grid.getShape().getShape());
            assertClose(ref.get("latents.0.1x4x12x8"), grid.get(0).expandDims(0), "seed 0");
            assertClose(ref.get("latents.42.1x4x12x8"), grid.get(1).expandDims(0), "seed 42");
            assertClose(ref.get("latents.1.1x4x12x8"), grid.get(2).expandDims(0), "seed 1");
        }
    }

    @Test
    void drawsDoNotDependOnEarlierRandomUse() {
        try (NDManager m = ref.manager.newSubManager()) {
            m.randomNormal(new Shape(1000)); // unrelated use of the engine's generator
            assertClose(ref.get("latents.42.1x4x12x8"), InitialLatents.forSeed(m, 42, 4, 12, 8), "seed 42");
        }
    }

    @Test
    void seedsOutsideTheEngineRangeAreRejectedWithTheRangeNamed() {
        try (NDManager m = ref.manager.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> InitialLatents.forSeed(m, 1L << 40, 4, 8, 8));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("0..2147483647"), e.getMessage());
        }
    }
}
