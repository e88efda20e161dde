package org.coverlab.study.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.coverlab.spec.StudySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch script of a submission: its #SBATCH lines from the study's settings, and what a task runs. */
class SlurmBatchScriptTest {

    @TempDir
    Path dir;

    private static final StudySpec.Slurm ALL = new StudySpec.Slurm("gpu", "02:00:00", 4, "16G", "gpu:1", "a100:1",
            "proj42", List.of("--qos=normal", "--constraint=avx2"), 300, 2);

    @Test
    void everySettingBecomesItsSbatchOptionAndEmptyOnesAreLeftToTheCluster() {
        TreeMap<Integer, String> runs = new TreeMap<>(Map.of(0, "aaaa", 1, "bbbb", 2, "cccc", 5, "dddd"));
        assertEquals(List.of("--job-name=coverlab-demo", "--array=0-2,5%2", "--output=/s/slurm-%A_%a.out",
                        "--open-mode=append", "--requeue", "--signal=B:USR1@300", "--partition=gpu", "--time=02:00:00",
                        "--cpus-per-task=4", "--mem=16G", "--gres=gpu:1", "--gpus=a100:1", "--account=proj42",
                        "--qos=normal", "--constraint=avx2"),
                SlurmBatchScript.options("coverlab-demo", ALL, Path.of("/s"), runs));
        assertEquals(List.of("--job-name=j", "--array=3", "--output=/s/slurm-%A_%a.out", "--open-mode=append",
                        "--requeue", "--signal=B:USR1@120"),
                SlurmBatchScript.options("j", StudySpec.Slurm.DEFAULT, Path.of("/s"), new TreeMap<>(Map.of(3, "x"))));
    }

    @Test
    void arrayIndexesFoldIntoRanges() {
        assertEquals("0-2,5,7-8", SlurmBatchScript.arraySpec(List.of(0, 1, 2, 5, 7, 8)));
        assertEquals("4", SlurmBatchScript.arraySpec(List.of(4)));
        assertEquals("1,3", SlurmBatchScript.arraySpec(List.of(1, 3)));
    }

    @Test
    void quotedWordsReadBackUnchangedInBash() throws Exception {
        List<String> words = List.of("plain", "with space", "it's", "$HOME", "a\"b", "*", "");
        StringBuilder script = new StringBuilder("printf '%s\\n'");
        words.forEach(w -> script.append(' ').append(SlurmBatchScript.quote(w)));
        Process p = new ProcessBuilder("bash", "-c", script.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(String.join("\n", words) + "\n", out);
    }

    /**
     * A task run by bash as Slurm would (SLURM_ARRAY_TASK_ID set) picks its member's run, appends the run's console to
     * members/RUN.out, and exits with the run's code; an index without a member exits 2.
     */
    @Test
    void aTaskRunsItsMembersCommandWithItsConsoleAppendedAndExitsWithItsCode() throws Exception {
        Path members = Files.createDirectories(dir.resolve("members"));
        // a stand-in for coverlab: prints its arguments and exits 3
        List<String> command = SlurmBatchScript.commandFor(run -> List.of("bash", "-c", "echo \"args: $*\"; exit 3",
                "coverlab", "run", "--resume", run, "--runs-dir", "/shared/runs dir"));
        String script = SlurmBatchScript.render("j", StudySpec.Slurm.DEFAULT, dir, members,
                new TreeMap<>(Map.of(0, "r0", 4, "r4")), command);
        Path file = dir.resolve("submit.sh");
        Files.writeString(file, script);

        assertEquals(3, task(file, "4"));
        assertEquals("args: run --resume r4 --runs-dir /shared/runs dir\n", Files.readString(members.resolve("r4.out")));
        assertEquals(3, task(file, "4"));
        assertEquals(2, Files.readAllLines(members.resolve("r4.out")).size(), "appended across attempts");
        assertEquals(2, task(file, "1"));
    }

    /**
     * SIGUSR1 to the task's shell (what {@code --signal=B:USR1@N} does) reaches the run; when the run then exits 138
     * (checkpoint saved) the task requeues itself with {@code scontrol requeue $SLURM_JOB_ID}.
     */
    @Test
    void sigusr1IsPassedToTheRunAndAPreemptedRunIsRequeued() throws Exception {
        Path members = Files.createDirectories(dir.resolve("members"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path requeued = dir.resolve("requeued");
        Path scontrol = bin.resolve("scontrol");
        Files.writeString(scontrol, "#!/bin/bash\necho \"$*\" > " + requeued + "\n");
        scontrol.toFile().setExecutable(true);
        // a stand-in run: exits 138 on SIGUSR1, as a coverlab run does after its checkpoint
        List<String> command = SlurmBatchScript.commandFor(run -> List.of("bash", "-c",
                "trap 'echo checkpointed; exit 138' USR1; echo started; while :; do sleep 0.05; done", run));
        Path file = dir.resolve("submit.sh");
        Files.writeString(file, SlurmBatchScript.render("j", StudySpec.Slurm.DEFAULT, dir, members,
                new TreeMap<>(Map.of(0, "r0")), command));

        Process p = start(file, "0", Map.of("PATH", bin + ":" + System.getenv("PATH")));
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.exists(members.resolve("r0.out")) || !Files.readString(members.resolve("r0.out")).contains("started")) {
            assertTrue(System.currentTimeMillis() < deadline && p.isAlive(), "the stand-in run started");
            Thread.sleep(20);
        }
        new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(138, p.exitValue(), Files.readString(dir.resolve("slurm.out")));
        assertEquals("started\ncheckpointed\n", Files.readString(members.resolve("r0.out")));
        assertEquals("requeue 78\n", Files.readString(requeued));
        assertTrue(Files.readString(dir.resolve("slurm.out")).contains("requeueing job 78"), Files.readString(dir.resolve("slurm.out")));
    }

    private int task(Path script, String index) throws Exception {
        Process p = start(script, index, Map.of());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return p.exitValue();
    }

    private Process start(Path script, String index, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of("bash", script.toString())));
        pb.environment().putAll(Map.of("SLURM_ARRAY_TASK_ID", index, "SLURM_ARRAY_JOB_ID", "77", "SLURM_JOB_ID", "78"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("slurm.out").toFile()));
        return pb.start();
    }
}
