package org.coverlab.run;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Cooperative stop request (Ctrl-C, SIGTERM): a flag set from a signal handler and polled by stages between steps,
 * batches and rows. It never interrupts a thread, so a stop cannot tear a file being written; every long loop calls
 * {@link #throwIfCancelled()} often enough that a stop takes at most a second or two. A stop may ask for a checkpoint
 * first ({@link #preempt}): a scheduler's warning before its time limit, after which the job is requeued and resumes.
 */
public final class Cancellation {

    /** Exit code of a run stopped by SIGINT (Ctrl-C): 128 + 2. */
    public static final int SIGINT_EXIT = 130;
    /** Exit code of a run stopped by SIGTERM: 128 + 15. */
    public static final int SIGTERM_EXIT = 143;
    /** Exit code of a run stopped by SIGUSR1 (a batch scheduler's warning before its time limit): 128 + 10. */
    public static final int SIGUSR1_EXIT = 138;

    private record Request(String why, int exitCode, boolean checkpointFirst) {}

    private final AtomicReference<Request> request = new AtomicReference<>();

    /** Asks the run to stop; it then exits with {@value #SIGINT_EXIT}. Only the first request counts. */
    public void cancel(String why) {
        cancel(why, SIGINT_EXIT);
    }

    /** Asks the run to stop and exit with {@code exitCode} (the signal's 128 + n). Only the first request counts. */
    public void cancel(String why, int exitCode) {
        request.compareAndSet(null, new Request(why, exitCode, false));
    }

    /**
     * Asks the run to save a checkpoint at its current step and stop, exiting with {@code exitCode}: the job is about
     * to be ended and will run again. Only the first request counts.
     */
    public void preempt(String why, int exitCode) {
        request.compareAndSet(null, new Request(why, exitCode, true));
    }

    /** The stop asked for (if any) wants a checkpoint at the current step before the run stops. */
    public boolean wantsCheckpoint() {
        Request r = request.get();
        return r != null && r.checkpointFirst();
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
