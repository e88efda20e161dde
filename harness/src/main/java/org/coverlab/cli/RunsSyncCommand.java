package org.coverlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.coverlab.run.RunId;
import org.coverlab.run.RunLockedException;
import org.coverlab.run.RunStore;
import org.coverlab.run.UnknownRunException;
import org.coverlab.spec.TrackingSpec.Backend;
import org.coverlab.track.Redactor;
import org.coverlab.track.RemoteSinks;
import org.coverlab.track.RunsSync;
import org.coverlab.track.SenderOptions;
import org.coverlab.track.SenderReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coverlab runs sync RUN_ID [--tracker wandb,mlflow]}: sends the part of a run's journal that its remote
 * trackers do not have yet. Exit code 0 when everything was delivered, 1 when something is still pending (run it
 * again later), 2 for a usage error.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Send a run's journal to W&B / MLflow from where each tracker left off.",
                "Safe to repeat: steps a tracker already has are not sent again."})
public final class RunsSyncCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "Run id (8 characters, see 'coverlab runs list').")
    String runId;

    @Option(names = "--tracker", split = ",", paramLabel = "NAME",
            description = "Trackers to send to: wandb, mlflow (default: those in the run's spec).")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--runs-dir", paramLabel = "DIR", description = "Runs directory (default: $COVERLAB_RUNS_DIR or ./runs).")
    Path runsDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Give up after this many seconds; what is left stays for the next sync (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** Makes the W&B and MLflow sinks (tests pass their own). */
    private final RemoteSinks sinks;

    public RunsSyncCommand() {
        this(RemoteSinks.standard(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    public RunsSyncCommand(RemoteSinks sinks) {
        this.sinks = sinks;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Backend> backends = new ArrayList<>();
        for (String name : trackers) {
            String key = name.strip().toLowerCase(Locale.ROOT);
            if (!key.equals("wandb") && !key.equals("mlflow")) {
                err.println("--tracker: unknown tracker '" + name + "'; expected wandb or mlflow");
                return 2;
            }
            backends.add(Backend.valueOf(key.toUpperCase(Locale.ROOT)));
        }
        if (timeoutSeconds < 1) {
            err.println("--timeout must be at least 1 second, got " + timeoutSeconds);
            return 2;
        }
        if (!RunId.isValid(runId)) {
            err.println("'" + runId + "' is not a run id (8 characters of 0-9 and a-z; 'coverlab runs list' shows them)");
            return 2;
        }
        RunStore store = new RunStore(RunStore.resolveRoot(runsDir, System.getenv(), Path.of("")),
                new RunId(), Clock.systemUTC());
        try {
            SenderReport report = new RunsSync(store, sinks, SenderOptions.DEFAULT)
                    .sync(runId, backends, Duration.ofSeconds(timeoutSeconds));
            out.println(report.describe());
            return report.allDelivered() ? 0 : 1;
        } catch (RunsSync.SyncException | UnknownRunException | RunLockedException e) {
            err.println(Redactor.none().redact(e.getMessage()));
            return 2;
        }
    }
}
