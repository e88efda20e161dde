package org.coverlab.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What made a run, stamped into {@code run.json} when it is created: the weights the spec resolved to and the
 * environment. Read from cheap sources only (system properties, the DJL and libtorch jars' property files, one
 * {@code git} call), so the native engine is not loaded to create a run. A field that cannot be determined is null.
 *
 * @param modelFolder    the diffusers folder model.base resolved to; null when the run makes its own weights (the
 *                       tiny model's seeded random initialisation, written into the run folder)
 * @param weightsSha256  SHA-256 over the files the loader reads from that folder; a resume that resolves different
 *                       weights is refused
 * @param libtorchFlavor the native build on the class path: {@code cpu}, or a CUDA flavor such as {@code cu124}
 * @param threads        processors available to the JVM
 * @param device         the device the run trains on, as train.device resolved on this machine ({@code cpu},
 *                       {@code gpu(0)})
 * @param gitCommit      HEAD of the git checkout the command ran in, when it ran in one
 * @param gitDirty       whether that checkout had uncommitted changes
 */
public record RunProvenance(String modelFolder, String weightsSha256, String java, String os, String arch,
                            int threads, String device, String djlVersion, String libtorchVersion, String libtorchFlavor,
                            String gitCommit, Boolean gitDirty) {

    /** The weights a spec resolves to before the run starts. */
    public record Weights(String folder, String sha256) {}

    /**
     * This process's environment, with the git state of {@code cwd}, {@code weights} (null: the run makes them) and
     * the {@code device} the spec resolved to.
     */
    public static RunProvenance of(Weights weights, String device, Path cwd) {
        Properties djl = resource("ai/djl/engine/api.properties");
        Properties engine = resource("pytorch-engine.properties");
        String commit = git(cwd, "rev-parse", "HEAD");
        Boolean dirty = commit == null ? null : gitDirty(cwd);
        return new RunProvenance(weights == null ? null : weights.folder(), weights == null ? null : weights.sha256(),
                System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), device, djl.getProperty("djl_version"),
                engine.getProperty("pytorch_version"), bundledLibtorchFlavor(), commit, dirty);
    }

    /** The flavor of the libtorch natives on the class path ({@code cpu}, {@code cu124}, ...), or null if none. */
    public static String bundledLibtorchFlavor() {
        return resource("native/lib/pytorch.properties").getProperty("flavor");
    }

    private static Properties resource(String name) {
        Properties p = new Properties();
        try (InputStream in = RunProvenance.class.getClassLoader().getResourceAsStream(name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // left empty: the field is recorded as unknown
        }
        return p;
    }

    private static Boolean gitDirty(Path cwd) {
        String status = git(cwd, "status", "--porcelain", "--untracked-files=no");
        return status == null ? null : !status.isEmpty();
    }

    /** Output of a git command in {@code cwd}, trimmed; null when git is missing, fails or is not a checkout. */
    private static String git(Path cwd, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Whether {@code folder} exists: a recorded folder that vanished is reported by the resume check. */
    static boolean exists(String folder) {
        return folder != null && Files.isDirectory(Path.of(folder));
    }
}
