package org.coverlab.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.coverlab.run.RunSettings;
import org.coverlab.stages.Pipeline;

/**
 * What commands need from the process, passed in rather than read from globals so tests can run the CLI in-process:
 * streams, environment, working directory, whether stderr is a terminal, the stages and remote trackers this build
 * provides, and whether Ctrl-C/SIGTERM handling should be installed (only in a real process).
 */
public record CliContext(
        PrintStream out,
        PrintStream err,
        Map<String, String> env,
        Path cwd,
        boolean terminal,
        Pipeline stages,
        RemoteTrackers remoteTrackers,
        Clock clock,
        boolean handleSignals) {

    /**
     * The environment settings (COVERLAB_* in {@link #env}, -Dcoverlab.* properties overriding), read when a command
     * starts and then passed down; a value that does not parse is refused with its name.
     */
    public RunSettings settings() {
        return RunSettings.from(env, System.getProperties());
    }

    /** The real process: System streams and environment, the current directory, the build's stages and trackers. */
    public static CliContext system() {
        return new CliContext(System.out, System.err, System.getenv(), Path.of("").toAbsolutePath(),
                stderrIsTerminal(System.getProperty(STDERR_TTY_PROPERTY), System.console() != null), Pipeline.standard(),
                RemoteTrackers.available(), Clock.systemUTC(), true);
    }

    /** Set by scripts/coverlab from {@code [ -t 2 ]}: whether stderr, where progress bars go, is a terminal. */
    static final String STDERR_TTY_PROPERTY = "coverlab.stderr.tty";

    /**
     * The launcher's answer when there is one; else the JVM's console, which says only that stdin and stdout are
     * terminals, so {@code 2>file} on a terminal would still get a progress bar's escape codes.
     */
    static boolean stderrIsTerminal(String launcherSays, boolean jvmConsole) {
        return launcherSays != null ? Boolean.parseBoolean(launcherSays) : jvmConsole;
    }
}
