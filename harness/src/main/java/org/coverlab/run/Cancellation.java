package org.coverlab.run;

import java.util.concurrent.atomic.AtomicReference;

/** Cooperative stop request (Ctrl-C, SIGTERM), set from a shutdown hook and polled by stages between steps. */
public final class Cancellation {

    private final AtomicReference<String> reason = new AtomicReference<>();

    public void cancel(String why) {
        reason.compareAndSet(null, why);
    }

    /** Why the run was asked to stop, or null. */
    public String reason() {
        return reason.get();
    }

    public boolean isCancelled() {
        return reason.get() != null;
    }

    public void throwIfCancelled() {
        String why = reason.get();
        if (why != null) {
            throw new RunCancelledException(why);
        }
    }

    /** The run was asked to stop; it ends with status killed and stays resumable. */
    public static final class RunCancelledException extends RuntimeException {
        public RunCancelledException(String why) {
            super(why);
        }
    }
}
