package org.coverlab.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT (Ctrl-C), SIGTERM and SIGUSR1 into a {@link Cancellation} while a run is driven, instead of the JVM's
 * default of running shutdown hooks and exiting. Nothing is interrupted: the stage sees the flag at its next step, the
 * runner records status killed and the Finished event, and the command exits with 130 (SIGINT), 143 (SIGTERM) or 138
 * (SIGUSR1). SIGUSR1 is what a Slurm job gets shortly before its time limit ({@code --signal=B:USR1@120}): the stage
 * first saves a checkpoint at its current step, so the requeued job resumes from there. A second
 * signal while the first stop is in progress ends the process at once (the run is then shown as killed, since its
 * lock is gone, and resumes from its last checkpoint). Closing restores the previous handlers.
 */
public final class StopSignals implements AutoCloseable {

    private record Installed(Signal signal, SignalHandler previous) {}

    private final List<Installed> installed = new ArrayList<>();

    private StopSignals() {
    }

    /** Handles SIGINT, SIGTERM and SIGUSR1 until closed; {@code console} gets one line per signal. */
    public static StopSignals install(Cancellation cancellation, PrintStream console) {
        StopSignals s = new StopSignals();
        s.handle("INT", cancellation, console, Cancellation.SIGINT_EXIT, "interrupted by SIGINT (Ctrl-C)", false);
        s.handle("TERM", cancellation, console, Cancellation.SIGTERM_EXIT, "stopped by SIGTERM", false);
        s.handle("USR1", cancellation, console, Cancellation.SIGUSR1_EXIT,
                "stopped by SIGUSR1 (the scheduler's time limit is near)", true);
        return s;
    }

    private void handle(String name, Cancellation cancellation, PrintStream console, int exitCode, String why,
                        boolean checkpointFirst) {
        Signal signal = new Signal(name);
        SignalHandler handler = sig -> {
            if (cancellation.isCancelled()) {
                console.println("coverlab: " + why + " again; exiting now without waiting for the stage");
                Runtime.getRuntime().halt(exitCode);
            }
            // The flag first, then the line: once the line is out, the stop is in effect.
            if (checkpointFirst) {
                cancellation.preempt(why, exitCode);
                console.println("coverlab: " + why + "; saving a checkpoint and stopping (again to exit at once)");
            } else {
                cancellation.cancel(why, exitCode);
                console.println("coverlab: " + why + "; stopping after the current step (again to exit at once)");
            }
        };
        try {
            installed.add(new Installed(signal, Signal.handle(signal, handler)));
        } catch (IllegalArgumentException e) {
            // the JVM reserves this signal (-Xrs or the platform): its default, a shutdown, stays in place
        }
    }

    @Override
    public void close() {
        for (Installed i : installed) {
            Signal.handle(i.signal(), i.previous());
        }
        installed.clear();
    }
}
