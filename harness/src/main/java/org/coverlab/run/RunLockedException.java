package org.coverlab.run;

/** Another process is driving the run. */
public final class RunLockedException extends RuntimeException {

    private final RunLock.Owner owner;

    public RunLockedException(String runId, RunLock.Owner owner) {
        super("run " + runId + " is locked by " + owner.describe()
                + " (another coverlab process is driving it); wait for it to end or stop that process first");
        this.owner = owner;
    }

    public RunLock.Owner owner() {
        return owner;
    }
}
