package org.coverlab.cli;

import static org.coverlab.cli.InProcessCli.coverlab;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.coverlab.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverlab model init-tiny}: a folder that {@code coverlab generate} loads, and clear refusals. */
class ModelCommandTest {

    @TempDir
    Path cwd;

    @Test
    void helpDescribesBothTokenizerSources() {
        InProcessCli.Result group = coverlab(cwd, "model", "--help");
        assertEquals(0, group.code(), group.all());
        assertTrue(group.out().contains("init-tiny"), group.all());
        InProcessCli.Result r = coverlab(cwd, "model", "init-tiny", "--help");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("--captions") && r.out().contains("--tokenizer") && r.out().contains("--vocab")
                && r.out().contains("--seed"), r.all());
    }

    @Test
    void aTinyModelTrainedOnCaptionsGeneratesAGrid() throws IOException {
        Files.write(cwd.resolve("captions.txt"), java.util.List.of(
                "A fantasy book cover for The Hobbit by J. R. R. Tolkien",
                "A horror book cover for Frankenstein by Mary Shelley",
                "A romance book cover for Pride and Prejudice by Jane Austen"));
        InProcessCli.Result init = coverlab(cwd, "model", "init-tiny", "tiny", "--captions", "captions.txt",
                "--vocab", "600", "--seed", "3");
        assertEquals(0, init.code(), init.all());
        assertTrue(init.out().startsWith("wrote tiny Stable Diffusion folder tiny (seed 3, vocabulary trained on captions.txt)"),
                init.all());
        for (String f : new String[] {"model_index.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
                "unet/config.json", "vae/config.json", "text_encoder/config.json", "scheduler/scheduler_config.json"}) {
            assertTrue(Files.isRegularFile(cwd.resolve("tiny").resolve(f)), f);
        }
        InProcessCli.Result gen = coverlab(cwd, "generate", "--model", "tiny", "--out", "g.png",
                "--prompt", "A horror book cover", "--seeds", "1", "--steps", "2");
        assertEquals(0, gen.code(), gen.all());
        var grid = ImageIO.read(cwd.resolve("g.png").toFile());
        assertEquals(64, grid.getWidth());
        assertEquals(96, grid.getHeight());
    }

    @Test
    void aTinyModelCanReuseAnExistingTokenizerFolder() {
        InProcessCli.Result r = coverlab(cwd, "model", "init-tiny", "clip", "--tokenizer",
                Reference.model("pipeline/tokenizer").toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(Files.isRegularFile(cwd.resolve("clip/tokenizer/vocab.json")));
        assertTrue(Files.isRegularFile(cwd.resolve("clip/text_encoder/config.json")));
    }

    @Test
    void tokenizerSourceMistakesAreOneLineUsageErrors() throws IOException {
        InProcessCli.Result seedAlone = coverlab(cwd, "model", "init-tiny", "out", "--seed", "3");
        assertEquals(2, seedAlone.code(), seedAlone.all());
        assertTrue(seedAlone.err().contains("embedded default"), seedAlone.all());
        InProcessCli.Result both = coverlab(cwd, "model", "init-tiny", "out", "--captions", "c.txt", "--tokenizer", "t");
        assertEquals(2, both.code(), both.all());
        InProcessCli.Result vocab = coverlab(cwd, "model", "init-tiny", "out", "--tokenizer", "t", "--vocab", "600");
        assertEquals(2, vocab.code(), vocab.all());
        assertTrue(vocab.err().contains("--vocab"), vocab.all());
        InProcessCli.Result missing = coverlab(cwd, "model", "init-tiny", "out", "--captions", "nope.txt");
        assertEquals(2, missing.code(), missing.all());
        assertEquals("coverlab model init-tiny: cannot read captions nope.txt: no such file", missing.err().strip());
        InProcessCli.Result noTokenizer = coverlab(cwd, "model", "init-tiny", "out", "--tokenizer", "nowhere");
        assertEquals(2, noTokenizer.code(), noTokenizer.all());
        assertTrue(noTokenizer.err().contains("nowhere") && noTokenizer.err().contains("tokenizer folder not found"),
                noTokenizer.all());
        Files.writeString(cwd.resolve("small.txt"), "a cover\n");
        InProcessCli.Result tooSmall = coverlab(cwd, "model", "init-tiny", "out", "--captions", "small.txt",
                "--vocab", "10");
        assertEquals(2, tooSmall.code(), tooSmall.all());
        assertTrue(tooSmall.err().contains("vocabulary size must be at least"), tooSmall.all());
        assertFalse(Files.exists(cwd.resolve("out")));
    }

    @Test
    void withNoOptionsInitTinyWritesTheEmbeddedDefaultAndGenerateAcceptsTiny() throws IOException {
        InProcessCli.Result init = coverlab(cwd, "model", "init-tiny", "default");
        assertEquals(0, init.code(), init.all());
        assertTrue(init.out().contains("the embedded default"), init.all());
        // generate --model tiny (the help's own example) means what 'tiny' means in a spec: the pretrained base, or
        // with COVERLAB_TINY_MODEL=init the same embedded default, cached in the runs folder.
        String was = System.getProperty(org.coverlab.stages.ModelSource.TINY_PROPERTY);
        System.setProperty(org.coverlab.stages.ModelSource.TINY_PROPERTY, org.coverlab.stages.ModelSource.TINY_INIT);
        InProcessCli.Result generate;
        try {
            generate = coverlab(cwd, "generate", "--model", "tiny", "--out", "g.png", "--prompt",
                    "a fantasy cover", "--steps", "1", "--width", "16", "--height", "16");
        } finally {
            if (was == null) {
                System.clearProperty(org.coverlab.stages.ModelSource.TINY_PROPERTY);
            } else {
                System.setProperty(org.coverlab.stages.ModelSource.TINY_PROPERTY, was);
            }
        }
        assertEquals(0, generate.code(), generate.all());
        Path cached = org.coverlab.stages.ModelSource.tinyInitFolder(cwd.resolve("runs"));
        for (String file : new String[] {"unet/diffusion_pytorch_model.safetensors", "tokenizer/vocab.json",
                "text_encoder/model.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(cwd.resolve("default").resolve(file)),
                    Files.readAllBytes(cached.resolve(file)), file);
        }
        assertTrue(Files.isRegularFile(cwd.resolve("g.png")));
    }
}
