package org.coverlab.stages.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.coverlab.run.RunSettings;
import org.coverlab.stages.PretrainedTinyBase;
import org.coverlab.training.pretrain.PretrainProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume template for training: a tiny run (UNet at 16x16, 8-bit AdamW with some parameters above and some
 * below min_8bit_size, EMA, gradient accumulation 2, a checkpoint and a grid after every update) is killed with
 * SIGKILL inside a gradient-accumulation window (held there by {@code COVERLAB_TEST_HOLD_AT_STEP}) and again in the
 * middle of a grid, resumed with --resume until it
 * finishes, and compared with an uninterrupted run of the same spec: trained weights, optimizer state, EMA and
 * grid images byte-identical, and every update's loss, loss_ema, lr, grad_norm and epoch in the journal exactly once
 * with the same values. Both runs use the same libtorch thread count (the bit-exact condition). The pretrained base
 * is built (or found) in this JVM before any child starts, with no time limit: under load the one-time build took
 * longer than the children's 15-minute limit once (a CI failure), and the children then only time their own work.
 */
class TrainResumeIdentityTest {

    @TempDir
    Path dir;

    /** Every child this test started; any still alive when it ends (a failed assertion) is killed. */
    private final List<Process> children = new ArrayList<>();

    /**
     * The pretrained tiny base, built here first when the cache lacks it (the suite's one-time build: about 9 minutes
     * on two idle cores, longer under load), so the children below find it and only their own work is timed.
     */
    @BeforeAll
    static void buildOrFindTheBase() throws Exception {
        PretrainedTinyBase.ensure(PretrainedTinyBase.modelsDir(), System.out::println, () -> { },
                new PretrainProgress(System.out::println, () -> { }));
    }

    @AfterEach
    void killLeftoverChildren() throws InterruptedException {
        for (Process p : children) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private Path writeSpec() throws IOException {
        Path spec = dir.resolve("train.yaml");
        Files.writeString(spec, """
                name: train-resume
                seed: 11
                model:
                  base: tiny
                dataset:
                  source: synthetic
                  path: %s
                  images: 6
                  resolution: {width: 32, height: 32}   # an 8x8 latent
                train:
                  components: [unet]
                  epochs: 2
                  batch_size: 1
                  gradient_accumulation: 2
                  learning_rate: 1e-3
                  lr_schedule: cosine
                  warmup_steps: 1
                  optimizer: adamw8bit
                  min_8bit_size: 1024
                  ema: true
                  ema_decay: 0.9
                  checkpoint_every: 1
                  keep_last: 2
                sample:
                  prompts: ["a red circle", "a blue square"]
                  seeds: [1]
                  steps: 2
                  every: checkpoint
                eval:
                  metrics: []
                """.formatted(dir.resolve("covers")));
        return spec;
    }

    @Test
    void runKilledInAnAccumulationWindowAndDuringAGridResumesToTheSameWeightsStateAndJournal() throws Exception {
        Path spec = writeSpec();
        Path log = dir.resolve("children.log");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String context = "random seed " + seed + "; child output in " + log;

        Path straightRuns = dir.resolve("straight");
        Process straight = start(log, "run", spec.toString(), "--stages", "prepare_data,train", "--runs-dir",
                straightRuns.toString());
        assertTrue(straight.waitFor(15, TimeUnit.MINUTES), context);
        assertEquals(0, straight.exitValue(), context);
        Path a = onlyRun(straightRuns);

        Path killedRuns = dir.resolve("killed");
        // 1. inside an accumulation window: the child holds after the first micro-batch of update 2 (after checkpoint 1
        // and its grid), so the kill lands there however fast the machine is
        Process p = start(log, Map.of(RunSettings.TEST_HOLD_ENV, "train:2"), "run", spec.toString(), "--stages",
                "prepare_data,train", "--runs-dir", killedRuns.toString());
        Path b = awaitRun(killedRuns, p);
        await(p, () -> Files.exists(b.resolve("run.log")) && Files.readString(b.resolve("run.log"))
                .contains("holding at train:2 (inside the gradient-accumulation window"), context);
        Thread.sleep(random.nextInt(100));
        assertTrue(Files.exists(b.resolve("samples/step-1/grid.png")) && !Files.exists(b.resolve("checkpoints/2")),
                "held after update 1 and its grid, before update 2; " + context);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        // 2. in the middle of a grid: held after its first row, before the second row and the composed grid
        p = start(log, Map.of(RunSettings.TEST_HOLD_ENV, "grid:3"), "run", "--resume", b.getFileName().toString(),
                "--runs-dir", killedRuns.toString());
        Process during = p;
        await(p, () -> Files.readString(b.resolve("run.log")).contains("holding at grid:3"), context);
        Thread.sleep(random.nextInt(100));
        assertTrue(Files.exists(b.resolve("samples/step-3/p000-s1.png")) && !Files.exists(b.resolve("samples/step-3/p001-s1.png"))
                && !Files.exists(b.resolve("samples/step-3/grid.png")), "held after the grid's first row; " + context);
        during.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        p = start(log, "run", "--resume", b.getFileName().toString(), "--runs-dir", killedRuns.toString());
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), context);
        assertEquals(0, p.exitValue(), context);

        String last = "checkpoints/6/";
        for (String f : List.of("unet/diffusion_pytorch_model.safetensors", "optimizer.safetensors", "ema.safetensors")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(last + f)), Files.readAllBytes(b.resolve(last + f)),
                    f + " differs; " + context);
        }
        for (int step = 1; step <= 6; step++) {
            for (String png : List.of("p000-s1.png", "p001-s1.png", "grid.png")) {
                Path rel = Path.of("samples", "step-" + step, png);
                assertArrayEquals(Files.readAllBytes(a.resolve(rel)), Files.readAllBytes(b.resolve(rel)),
                        rel + " differs; " + context);
            }
        }
        Map<Long, Map<String, Double>> expected = trainingMetrics(a);
        assertEquals(6, expected.size(), "the uninterrupted run journals six updates");
        assertEquals(expected, trainingMetrics(b), context);
    }

    /** Per update, the deterministic training metrics; fails if an update is journaled twice. */
    private static Map<Long, Map<String, Double>> trainingMetrics(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<Long, Map<String, Double>> out = new TreeMap<>();
        for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
            JsonNode e = json.readTree(line).get("event");
            if (!e.get("type").asText().equals("metrics") || !e.get("values").has("loss")) {
                continue;
            }
            Map<String, Double> v = new TreeMap<>();
            for (String k : List.of("loss", "loss_ema", "lr", "grad_norm", "epoch")) {
                v.put(k, e.get("values").get(k).asDouble());
            }
            long step = e.get("step").asLong();
            assertTrue(out.put(step, v) == null, "update " + step + " journaled twice in " + run);
        }
        return out;
    }

    private Process start(Path output, String... args) throws IOException {
        return start(output, Map.of(), args);
    }

    private Process start(Path output, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.coverlab.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().remove("COVERLAB_RUNS_DIR");
        pb.environment().remove("COVERLAB_TINY_MODEL");
        pb.environment().remove(RunSettings.TEST_HOLD_ENV);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().putAll(env);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    private static Path onlyRun(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    private static Path awaitRun(Path runs, Process child) throws Exception {
        await(child, () -> Files.isDirectory(runs) && onlyRunOrNull(runs) != null, "no run folder");
        return onlyRun(runs);
    }

    private static Path onlyRunOrNull(Path runs) {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(d -> Files.exists(d.resolve("state.json"))).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Process child, Condition condition, String context) throws Exception {
        long deadline = System.currentTimeMillis() + 15 * 60_000;
        while (!condition.holds()) {
            assertTrue(child.isAlive(), "child exited (" + (child.isAlive() ? "" : child.exitValue())
                    + ") before the awaited moment; " + context);
            assertTrue(System.currentTimeMillis() < deadline, "timed out; " + context);
            Thread.sleep(5);
        }
    }

}
