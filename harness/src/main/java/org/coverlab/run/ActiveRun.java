package org.coverlab.run;

/** A run directory together with the lock this process holds on it. */
public record ActiveRun(RunDir dir, RunLock lock) {}
