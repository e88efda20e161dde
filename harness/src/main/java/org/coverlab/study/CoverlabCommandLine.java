package org.coverlab.study;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start coverlab in another process: the argument list before coverlab's own arguments. By default the same
 * JVM this process runs in (java binary, class path, -D and -X options; agents left out), so members run exactly the
 * harness build that created them; a cluster executor may use the same list when the JDK and the class path are on
 * storage the nodes share.
 */
public record CoverlabCommandLine(List<String> prefix) {

    public static final String MAIN = "org.coverlab.cli.Main";

    public CoverlabCommandLine {
        prefix = List.copyOf(prefix);
    }

    /** This JVM: {@code <java.home>/bin/java [-D.. -X..] -cp <class path> org.coverlab.cli.Main}. */
    public static CoverlabCommandLine currentJvm() {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // agents (a debugger, coverage) and the surefire booter's options belong to this process only
            if (a.startsWith("-D") || (a.startsWith("-X") && !a.startsWith("-Xrunjdwp") && !a.startsWith("-Xdebug"))) {
                argv.add(a);
            }
        }
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(MAIN);
        return new CoverlabCommandLine(argv);
    }

    /** {@code coverlab run --resume ID --runs-dir DIR --progress lines}. */
    public List<String> resume(String runId, Path runsDir) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of("run", "--resume", runId, "--runs-dir", runsDir.toString(), "--progress", "lines"));
        return argv;
    }
}
