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
                System.console() != null, Pipeline.standard(), RemoteTrackers.available(), Clock.systemUTC(), true);
    }
}
