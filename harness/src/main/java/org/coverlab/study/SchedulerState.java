package org.coverlab.study;

/**
 * What an executor's scheduler says about one member, for {@code study status} and {@code study resume}.
 *
 * @param jobId  the scheduler's id for the member's task (a Slurm "12345_2"; the local executor: the pid), or "-"
 * @param state  the scheduler's state word as it says it (PENDING, RUNNING, COMPLETED, REQUEUED, ...), or "-"
 * @param active true while the scheduler still has the member queued or running: {@code study resume} leaves it alone
 * @param detail where to look when it went wrong (a Slurm output file), or null
 */
public record SchedulerState(String jobId, String state, boolean active, String detail) {

    public static final SchedulerState NONE = new SchedulerState("-", "-", false, null);
}
