package org.coverlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.coverlab.run.Cancellation;
import org.coverlab.run.RunLockedException;
import org.coverlab.run.StopSignals;
import org.coverlab.run.UnknownRunException;
import org.coverlab.spec.TrackingSpec.Backend;
import org.coverlab.track.Redactor;
import org.coverlab.track.RemoteSinks;
import org.coverlab.track.RunsSync;
import org.coverlab.track.SenderOptions;
import org.coverlab.track.SenderReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code coverlab runs sync RUN_ID [--tracker wandb,mlflow]}: sends the part of a run's journal that its remote
 * trackers do not have yet (after an outage, a flush timeout, a fixed credential, or a WANDB_MODE=offline run).
 */
@Command(name = "sync",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Send a run's journal to W&B / MLflow from where each tracker left off.",
                "Safe to repeat: what a tracker already has is not sent again."},
        footer = {"", "Exit codes:",
                "  0    every journal entry is on every tracker",
                "  1    something is still unsent (the reason is printed); run sync again later",
                "  2    bad input: usage, unknown run id, no remote tracker, missing key or setting",
                "  3    the run is locked: a coverlab process is driving it (it sends by itself)",
                "  130  stopped by Ctrl-C (SIGINT), 143 by SIGTERM, within a second or two: what was sent",
                "       stays sent (nothing goes twice); sync again for the rest"})
public final class RunsSyncCommand implements Callable<Integer> {

    /** Exit code when entries are left unsent. */
    static final int PENDING = 1;

    @ParentCommand
    RunsCommand parent;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id (see coverlab runs list).")
    String runId;

    @Option(names = "--tracker", split = ",", paramLabel = "NAME", converter = TrackerConverter.class,
            description = "Trackers to send to: wandb, mlflow (default: the run spec's tracking.backends).")
    List<Backend> trackers = new ArrayList<>();

    @Mixin
    RunsDirOption runsDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Give up after this many seconds; what is left stays for the next sync (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws IOException {
        CliContext ctx = parent.context();
        if (trackers.contains(Backend.LOCAL)) {
            ctx.err().println("coverlab: --tracker local: the local journal is what runs sync sends from; expected "
                    + TrackerConverter.names(TrackerConverter.remote()));
            return ExitCodes.BAD_INPUT;
        }
        List<Backend> backends = List.copyOf(trackers);
        if (timeoutSeconds < 1) {
            ctx.err().println("coverlab: --timeout must be at least 1 second, got " + timeoutSeconds);
            return ExitCodes.BAD_INPUT;
        }
        RemoteSinks sinks = RemoteSinks.standard(ctx.env(), home(ctx.env()));
        Cancellation stop = new Cancellation();
        try (StopSignals signals = ctx.handleSignals() ? StopSignals.install(stop, ctx.err()) : null) {
            SenderReport report = new RunsSync(runsDir.store(ctx), sinks, SenderOptions.DEFAULT)
                    .sync(runId, backends, Duration.ofSeconds(timeoutSeconds), stop);
            ctx.out().println(report.describe());
            if (stop.isCancelled() && !report.allDelivered()) {
                return stop.exitCode();
            }
            return report.allDelivered() ? ExitCodes.OK : PENDING;
        } catch (RunsSync.SyncException | UnknownRunException e) {
            ctx.err().println("coverlab: " + Redactor.none().redact(e.getMessage()));
            return ExitCodes.BAD_INPUT;
        } catch (RunLockedException e) {
            ctx.err().println("coverlab: " + e.getMessage());
            return ExitCodes.LOCKED;
        }
    }

    /** Where ~/.netrc is looked for: $HOME, else the JVM's user.home. */
    static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
    }
}
