package org.coverlab.study.slurm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Slurm's own client commands (sbatch, squeue, sacct, scontrol, scancel), found on the PATH of the study command's
 * environment, which they also get (SLURM_CONF and the like). No other client: what works in a login shell works here.
 */
public final class SlurmCommands {

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private static final long TIMEOUT_SECONDS = 120;

    private final Map<String, String> env;

    public SlurmCommands(Map<String, String> env) {
        this.env = env;
    }

    Map<String, String> env() {
        return env;
    }

    /** The named program on the PATH of {@code env} (the process's own PATH when it has none), if any. */
    public static Optional<Path> onPath(String program, Map<String, String> env) {
        String path = env.getOrDefault("PATH", System.getenv("PATH"));
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Runs {@code program args...}; a program missing from the PATH is an IOException that names Slurm. */
    public Result run(String program, List<String> args) throws IOException, InterruptedException {
        Path exe = onPath(program, env).orElseThrow(() -> new IOException(missing(program)));
        List<String> argv = new ArrayList<>();
        argv.add(exe.toString());
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        // Output to files, so a command that hangs (an unreachable slurmctld) cannot block a read past the time-out.
        Path out = Files.createTempFile("coverlab-slurm", ".out");
        Path err = Files.createTempFile("coverlab-slurm", ".err");
        try {
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(program + " did not answer within " + TIMEOUT_SECONDS + " s (is slurmctld up?)");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8).strip());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The message for a Slurm command that is not on the PATH. */
    public static String missing(String program) {
        return program + " is not on the PATH: the slurm executor works through Slurm's own commands (sbatch, squeue,"
                + " sacct, scontrol, scancel); run it on a machine of the Slurm cluster (a login node) or add the Slurm"
                + " client to the PATH, or use --executor local";
    }
}
