package org.coverlab.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.coverlab.stages.prepare.HoldGenerationLock;
import org.coverlab.training.pretrain.TinyPretrainConfig;
import org.coverlab.training.pretrain.TinyPretraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache around the tiny base's pretraining, on a scaled-down config (a few steps on a few images, seconds):
 * built once under its key, written whole, reused, deterministic, and safe against killed or concurrent builders.
 */
class PretrainedTinyBaseCacheTest {

    static final TinyPretrainConfig SMALL = new TinyPretrainConfig(5, 8, 2, 2, 16, 2e-3f, 1e-5f, 2, 2, 6e-4f, 0.5f, 2, 2, 1e-3f, 5f, 0.3f);

    @TempDir
    Path dir;

    private static PretrainedTinyBase.Ready ensure(Path models, List<String> said, List<String> steps) throws Exception {
        return PretrainedTinyBase.ensure(models, SMALL, said::add, () -> { }, new TinyPretraining.Listener() {
            @Override
            public void phase(String name, int n) {
                steps.add(name);
            }

            @Override
            public void step(String phase, int step, int n, float loss) {
                steps.add(phase + " " + step);
            }
        });
    }

    @Test
    void aBuildIsWrittenWholeUnderItsKeyAndReusedAfterwards() throws Exception {
        List<String> said = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        PretrainedTinyBase.Ready first = ensure(dir, said, steps);
        assertTrue(first.built());
        assertEquals(List.of("vae", "vae 1", "vae 2", "text_encoder", "text_encoder 1", "text_encoder 2", "unet", "unet 1",
                "unet 2"),
                steps);
        assertTrue(first.folder().getFileName().toString().startsWith(PretrainedTinyBase.PREFIX));
        assertEquals(SMALL.sha256(), first.record().get("config_sha256").asText());
        assertTrue(first.record().get("scaling_factor").asDouble() > 0, first.record().toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(".tmp-")).toList(),
                    "no private build folder is left");
        }
        steps.clear();
        said.clear();
        PretrainedTinyBase.Ready again = ensure(dir, said, steps);
        assertFalse(again.built());
        assertEquals(first.folder(), again.folder());
        assertEquals(List.of(), steps, "the cached build is reused, not trained again");
    }

    @Test
    void theSameSeedBuildsByteIdenticalWeights() throws Exception {
        Path a = ensure(dir.resolve("a"), new ArrayList<>(), new ArrayList<>()).folder();
        Path b = ensure(dir.resolve("b"), new ArrayList<>(), new ArrayList<>()).folder();
        for (String f : List.of("vae/diffusion_pytorch_model.safetensors", "unet/diffusion_pytorch_model.safetensors",
                "text_encoder/model.safetensors", "vae/config.json")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
    }

    @Test
    void aKilledBuildsLeftoverIsRemovedAndNeverMistakenForTheModel() throws Exception {
        String key = TinyPretraining.cacheKey(SMALL, TinyBaseModel.vocabulary()).substring(0, 16);
        Path leftover = Files.createDirectories(dir.resolve("." + PretrainedTinyBase.PREFIX + key + ".tmp-999999"));
        Files.writeString(leftover.resolve("model_index.json"), "{}");
        PretrainedTinyBase.Ready ready = ensure(dir, new ArrayList<>(), new ArrayList<>());
        assertTrue(ready.built());
        assertFalse(Files.exists(leftover));
    }

    @Test
    void aBuilderStartingWhileAnotherHoldsTheLockWaitsAndSaysForWhom() throws Exception {
        String key = TinyPretraining.cacheKey(SMALL, TinyBaseModel.vocabulary()).substring(0, 16);
        Path lock = dir.resolve("." + PretrainedTinyBase.PREFIX + key + ".generate.lock");
        Path ready = dir.resolve("ready");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldGenerationLock.class.getName(), lock.toString(),
                ready.toString(), "6000").inheritIO().start();
        try {
            for (int i = 0; i < 300 && !Files.exists(ready); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(ready), "the holder took the lock");
            List<String> said = Collections.synchronizedList(new ArrayList<>());
            assertTrue(ensure(dir, said, new ArrayList<>()).built());
            assertTrue(said.stream().anyMatch(s -> s.startsWith("another process is generating")), said.toString());
        } finally {
            holder.destroyForcibly();
        }
    }
}
