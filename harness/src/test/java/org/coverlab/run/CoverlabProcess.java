package org.coverlab.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code coverlab} in a child JVM (a separate process, so it can be kill -9'd and hold OS locks). */
public final class CoverlabProcess {

    private CoverlabProcess() {}

    static Process start(Path workDir, Path output, long stepMillis, long stepsPerEpoch, String... args) throws IOException {
        return start(workDir, output, "org.coverlab.cli.Main",
                List.of("-Dcoverlab.test.stepMillis=" + stepMillis, "-Dcoverlab.test.steps=" + stepsPerEpoch), args);
    }

    /** Runs {@code mainClass} (Main or a test's variant of it) with extra JVM options; output is appended to a file. */
    public static Process start(Path workDir, Path output, String mainClass, List<String> jvmOptions, String... args)
            throws IOException {
        return start(workDir, output, mainClass, jvmOptions, java.util.Map.of(), args);
    }

    /** As above with {@code env} added to the child's environment (a tracker's key and URL). */
    public static Process start(Path workDir, Path output, String mainClass, List<String> jvmOptions,
                                java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1"); // faster start; these children do no heavy work
        cmd.add("-Xshare:auto");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().remove(RunStore.ENV);
        pb.environment().putAll(env);
        return pb.start();
    }
}
