package org.coverlab.cli;

import static org.coverlab.cli.InProcessCli.coverlab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.coverlab.model.Reference;
import org.coverlab.model.io.SafeTensors;
import org.coverlab.model.io.TensorEntry;
import org.coverlab.testsupport.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken model folder is bad input, whatever is broken: every loader's exception reaches the user as one message
 * naming the file, exit 2, no stack trace (these were 'internal error', exit 70, with a trace).
 */
class BadModelInputTest {

    @TempDir
    Path cwd;

    private Path copyOfModel() throws IOException {
        return Reference.copyOfModel("pipeline", cwd.resolve("model"));
    }

    private static void assertRefused(InProcessCli.Result r, String... parts) {
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().startsWith("coverlab generate: "), r.all());
        for (String part : parts) {
            assertTrue(r.err().contains(part), "'" + part + "' missing from\n" + r.all());
        }
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), r.all());
    }

    private InProcessCli.Result generate() {
        return coverlab(cwd, "generate", "--model", "model", "--out", "g.png", "--prompt", "a", "--steps", "1",
                "--width", "16", "--height", "16");
    }

    @Test
    void aTruncatedSafetensorsFileIsBadInput() throws IOException {
        Path unet = copyOfModel().resolve("unet/diffusion_pytorch_model.safetensors");
        byte[] bytes = Files.readAllBytes(unet);
        Files.write(unet, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertRefused(generate(), "unet/diffusion_pytorch_model.safetensors", "truncated");
        assertFalse(Files.exists(cwd.resolve("g.png")));
    }

    @Test
    void runAndSpecCheckRefuseACorruptModelFolderBeforeARunExists() throws IOException {
        Path unet = copyOfModel().resolve("unet/diffusion_pytorch_model.safetensors");
        byte[] bytes = Files.readAllBytes(unet);
        Files.write(unet, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        String spec = Repository.root().resolve("experiments/grids-only.yaml").toString();
        String base = "model.base=" + cwd.resolve("model");
        InProcessCli.Result check = coverlab(cwd, "spec", "check", spec, "--set", base);
        InProcessCli.Result run = coverlab(cwd, "run", spec, "--set", base);
        for (InProcessCli.Result r : List.of(check, run)) {
            assertEquals(2, r.code(), r.all());
            assertTrue(r.err().contains("unet/diffusion_pytorch_model.safetensors") && r.err().contains("truncated"),
                    r.all());
            assertTrue(r.err().contains("no run was created"), r.all());
            assertFalse(r.err().contains("--resume") || r.err().contains("\tat "), r.all());
        }
        assertFalse(Files.exists(cwd.resolve("runs")), "no run folder");
    }

    @Test
    void aGarbageSafetensorsFileIsBadInput() throws IOException {
        Path vae = copyOfModel().resolve("vae/diffusion_pytorch_model.safetensors");
        Files.writeString(vae, "<html>this is a download error page, not weights</html>");
        assertRefused(generate(), "vae/diffusion_pytorch_model.safetensors", "not a safetensors file");
    }

    @Test
    void aTensorOfTheWrongShapeIsBadInput() throws IOException {
        Path unet = copyOfModel().resolve("unet/diffusion_pytorch_model.safetensors");
        List<TensorEntry> tensors = new ArrayList<>();
        for (TensorEntry t : SafeTensors.readAll(unet)) {
            if (t.name().equals("conv_in.bias")) {
                long n = t.shape()[0] + 1;
                t = new TensorEntry(t.name(), t.dtype(), new long[] {n},
                        ByteBuffer.allocate((int) (n * t.dtype().bytes())).order(ByteOrder.LITTLE_ENDIAN));
            }
            tensors.add(t);
        }
        Path rewritten = unet.resolveSibling("rewritten.safetensors");
        SafeTensors.write(rewritten, Map.of(), tensors);
        Files.move(rewritten, unet, StandardCopyOption.REPLACE_EXISTING);
        assertRefused(generate(), "shape mismatches", "conv_in.bias");
    }

    @Test
    void aBadSchedulerValueIsBadInput() throws IOException {
        Path config = copyOfModel().resolve("scheduler/scheduler_config.json");
        Files.writeString(config, Files.readString(config).replaceFirst("\"beta_schedule\":\\s*\"[a-z_]+\"",
                "\"beta_schedule\": \"bogus\""));
        assertRefused(generate(), "scheduler_config.json", "beta_schedule", "bogus");
    }

    @Test
    void aConfigThatIsNotJsonIsBadInput() throws IOException {
        Files.writeString(copyOfModel().resolve("unet/config.json"), "{\"in_channels\": 4,");
        assertRefused(generate(), "unet/config.json");
    }
}
