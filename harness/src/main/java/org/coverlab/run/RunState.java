package org.coverlab.run;

import java.util.List;

/**
 * The mutable progress of a run ({@code state.json}), rewritten atomically at every stage boundary, checkpoint and
 * status change. The journal is the record of what happened; this is the quick answer to "where is it now".
 *
 * @param completedStages stages that finished; a resume skips them
 * @param boundarySeq     journal seq when the last stage completed: a resume without a checkpoint of the current stage
 *                        cuts the journal back to here
 * @param lastCheckpoint  step directory name of the newest checkpoint, or null
 * @param error           one-line cause when status is failed, else null
 */
public record RunState(
        RunStatus status,
        String stage,
        long epoch,
        long step,
        String lastCheckpoint,
        List<String> completedStages,
        long boundarySeq,
        long pid,
        String host,
        String startedAt,
        String updatedAt,
        String error) {

    public RunState {
        completedStages = completedStages == null ? List.of() : List.copyOf(completedStages);
    }

    public RunState withStatus(RunStatus s, String err) {
        return new RunState(s, stage, epoch, step, lastCheckpoint, completedStages, boundarySeq, pid, host, startedAt, updatedAt, err);
    }

    public RunState withStage(String s) {
        return new RunState(status, s, epoch, step, lastCheckpoint, completedStages, boundarySeq, pid, host, startedAt, updatedAt, error);
    }

    public RunState withProgress(long e, long st) {
        return new RunState(status, stage, e, st, lastCheckpoint, completedStages, boundarySeq, pid, host, startedAt, updatedAt, error);
    }

    public RunState withCheckpoint(String checkpoint, long e, long st) {
        return new RunState(status, stage, e, st, checkpoint, completedStages, boundarySeq, pid, host, startedAt, updatedAt, error);
    }

    public RunState withCompleted(List<String> done, long seq) {
        return new RunState(status, stage, epoch, step, lastCheckpoint, done, seq, pid, host, startedAt, updatedAt, error);
    }

    public RunState withProcess(long p, String h) {
        return new RunState(status, stage, epoch, step, lastCheckpoint, completedStages, boundarySeq, p, h, startedAt, updatedAt, error);
    }

    public RunState withUpdatedAt(String t) {
        return new RunState(status, stage, epoch, step, lastCheckpoint, completedStages, boundarySeq, pid, host, startedAt, t, error);
    }
}
