package org.coverlab.cli;

import java.nio.file.Path;
import java.time.Clock;
import org.coverlab.run.RunId;
import org.coverlab.run.RunStore;
import picocli.CommandLine.Option;

/** The {@code --runs-dir} option shared by every command that reads or writes runs. */
public final class RunsDirOption {

    @Option(names = "--runs-dir", paramLabel = "DIR",
            description = "Runs directory (default: $" + RunStore.ENV + ", else ./runs in the current directory).")
    Path runsDir;

    public RunStore store(CliContext ctx) {
        return new RunStore(RunStore.resolveRoot(runsDir, ctx.env(), ctx.cwd()), new RunId(), Clock.systemUTC());
    }
}
