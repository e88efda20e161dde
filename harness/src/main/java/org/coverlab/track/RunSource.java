package org.coverlab.track;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who runs coverlab, where and from which source, as the trackers' own clients record it (W&B's run metadata, MLflow's
 * {@code mlflow.user} / {@code mlflow.source.*} tags): user, host, OS, Java, the command line, CPUs, memory, and the
 * git commit and remote of the working directory. Git is read from the {@code .git} folder itself (no git binary);
 * a remote URL loses any {@code user:password@} part, so no token stored in it leaves the machine.
 */
public record RunSource(String user, String host, String os, String java, String program, List<String> args,
                        String gitCommit, String gitRemote, int cpuCount, long memoryBytes) {

    /** This process, in {@code workDir} (normally the current directory). */
    public static RunSource current(Path workDir) {
        Optional<Path> git = gitDir(workDir.toAbsolutePath());
        return new RunSource(System.getProperty("user.name", ""), hostName(),
                System.getProperty("os.name", "") + "-" + System.getProperty("os.version", "") + "-"
                        + System.getProperty("os.arch", ""),
                System.getProperty("java.vendor", "") + " " + System.getProperty("java.version", ""),
                "coverlab", commandArgs(), git.map(RunSource::commit).orElse(""), git.map(RunSource::remote).orElse(""),
                Runtime.getRuntime().availableProcessors(), physicalMemory());
    }

    /** The command as typed: {@code coverlab ARGS}. */
    public String commandLine() {
        return args.isEmpty() ? program : program + " " + String.join(" ", args);
    }

    /** The arguments after coverlab's main class, or none when started some other way (tests). */
    private static List<String> commandArgs() {
        List<String> all = ProcessHandle.current().info().arguments().map(List::of).orElse(List.of());
        int main = all.indexOf("org.coverlab.cli.Main");
        return main < 0 ? List.of() : new ArrayList<>(all.subList(main + 1, all.size()));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    static Optional<Path> gitDir(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            Path git = dir.resolve(".git");
            if (Files.isDirectory(git)) {
                return Optional.of(git);
            }
            if (Files.isRegularFile(git)) { // a worktree or submodule: "gitdir: <path>"
                try {
                    String text = Files.readString(git, StandardCharsets.UTF_8).strip();
                    if (text.startsWith("gitdir:")) {
                        return Optional.of(dir.resolve(text.substring("gitdir:".length()).strip()).normalize());
                    }
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The commit HEAD names (through a branch ref, loose or packed), or empty. */
    static String commit(Path gitDir) {
        try {
            String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).strip();
            if (!head.startsWith("ref:")) {
                return head;
            }
            String ref = head.substring(4).strip();
            Path common = commonDir(gitDir);
            for (Path base : List.of(gitDir, common)) {
                Path loose = base.resolve(ref);
                if (Files.isRegularFile(loose)) {
                    return Files.readString(loose, StandardCharsets.UTF_8).strip();
                }
            }
            Path packed = common.resolve("packed-refs");
            if (Files.isRegularFile(packed)) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    if (line.endsWith(" " + ref)) {
                        return line.substring(0, line.indexOf(' '));
                    }
                }
            }
        } catch (IOException e) {
            // no commit to report
        }
        return "";
    }

    private static final Pattern ORIGIN_URL = Pattern.compile("(?ms)^\\[remote \"origin\"\\](.*?)^\\s*url\\s*=\\s*(\\S+)");

    /** The origin remote's URL without credentials, or empty. */
    static String remote(Path gitDir) {
        try {
            Path config = commonDir(gitDir).resolve("config");
            Matcher m = ORIGIN_URL.matcher(Files.readString(config, StandardCharsets.UTF_8));
            if (m.find() && !m.group(1).contains("[")) {
                return m.group(2).replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
            }
        } catch (IOException e) {
            // no remote to report
        }
        return "";
    }

    /** A linked worktree's shared folder (refs, packed-refs, config), named by its {@code commondir} file. */
    private static Path commonDir(Path gitDir) throws IOException {
        Path pointer = gitDir.resolve("commondir");
        if (!Files.isRegularFile(pointer)) {
            return gitDir;
        }
        return gitDir.resolve(Files.readString(pointer, StandardCharsets.UTF_8).strip()).normalize();
    }
}
