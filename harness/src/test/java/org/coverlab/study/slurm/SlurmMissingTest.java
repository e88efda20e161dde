package org.coverlab.study.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code study run --executor slurm} where sbatch is not on the PATH: exit 2 naming Slurm, nothing created. */
class SlurmMissingTest {

    @TempDir
    Path dir;

    @Test
    void withoutSbatchOnThePathTheStudyIsRefusedWithExitTwoNamingSlurmAndNothingIsCreated() throws Exception {
        Files.writeString(dir.resolve("demo.yaml"), "name: demo\nsample:\n  every: never\neval:\n  metrics: []\n");
        Files.writeString(dir.resolve("study.yaml"), "name: s\nspecs: [demo.yaml]\nstages: [test]\n");
        Path emptyBin = Files.createDirectories(dir.resolve("bin"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "org.coverlab.cli.Main", "study", "run", "study.yaml", "--executor", "slurm", "--runs-dir", "runs")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", emptyBin.toString());
        pb.environment().remove("COVERLAB_RUNS_DIR");
        pb.environment().remove("COVERLAB_STUDIES_DIR");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("sbatch is not on the PATH") && out.contains("Slurm"), out);
        assertFalse(out.contains("Exception"), out);
        for (String created : List.of("runs", "studies")) {
            assertFalse(Files.exists(dir.resolve(created)), created + " was created:\n" + out);
        }
    }
}
