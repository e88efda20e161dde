package org.coverlab.run;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Cooperative stop request (Ctrl-C, SIGTERM): a flag set from a signal handler and polled by stages between steps,
 * batches and rows. It never interrupts a thread, so a stop cannot tear a file being written; every long loop calls
 * {@link #throwIfCancelled()} often enough that a stop takes at most a second or two.
 */
public final class Cancellation {

    /** Exit code of a run stopped by SIGINT (Ctrl-C): 128 + 2. */
    public static final int SIGINT_EXIT = 130;
    /** Exit code of a run stopped by SIGTERM: 128 + 15. */
    public static final int SIGTERM_EXIT = 143;

    private record Request(String why, int exitCode) {}

    private final AtomicReference<Request> request = new AtomicReference<>();

    /** Asks the run to stop; it then exits with {@value #SIGINT_EXIT}. Only the first request counts. */
    public void cancel(String why) {
        cancel(why, SIGINT_EXIT);
    }

    /** Asks the run to stop and exit with {@code exitCode} (the signal's 128 + n). Only the first request counts. */
    public void cancel(String why, int exitCode) {
        request.compareAndSet(null, new Request(why, exitCode));
    }

    /** Why the run was asked to stop, or null. */
    public String reason() {
        Request r = request.get();
        return r == null ? null : r.why();
    }

    /** The exit code the stop asked for ({@value #SIGINT_EXIT} when none was asked). */
    public int exitCode() {
        Request r = request.get();
        return r == null ? SIGINT_EXIT : r.exitCode();
    }

    public boolean isCancelled() {
        return request.get() != null;
    }

    public void throwIfCancelled() {
        Request r = request.get();
        if (r != null) {
            throw new RunCancelledException(r.why());
        }
    }

    /** The run was asked to stop; it ends with status killed and stays resumable. */
    public static final class RunCancelledException extends RuntimeException {
        public RunCancelledException(String why) {
            super(why);
        }
    }
}
