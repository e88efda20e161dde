package org.coverlab.study;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.StudySpec;

/**
 * Runs a study's members somewhere. Every member already exists as a pending (or unfinished) run in the study's runs
 * folder with its resolved spec, so running a member is always the same command, {@code coverlab run --resume ID}
 * ({@link StudyContext#memberCommand}); an executor only decides where and when. Implementations: {@link LocalExecutor}
 * (processes on this machine, waits for them) and the Slurm executor (one job array per submission, returns once
 * submitted). Registered in {@link StudyExecutors}.
 */
public interface StudyExecutor {

    /** The executor's name, as in {@code executor.kind} and {@code --executor}. */
    StudySpec.Kind kind();

    /**
     * Cheap checks before anything is created (e.g. sbatch on the PATH, a runs folder the nodes can see): every problem
     * as one line naming what to fix; empty when the executor can take the study.
     */
    List<String> check(StudySpec.Executor settings);

    /**
     * Starts {@code members} (a subset of the study's: all of them for {@code study run}, the unfinished ones for
     * {@code study resume}). A blocking executor (local) returns when they ended or were stopped; a scheduler
     * (Slurm) returns once they are queued.
     *
     * @return the exit code for the command: 0 when every member finished (or was queued), else what went wrong
     *         (1 a member failed, 130/143 stopped by a signal); the message has been printed
     */
    int submit(StudyContext ctx, List<StudyMember> members) throws IOException, InterruptedException;

    /**
     * What the scheduler knows about each member, by run id; a member it knows nothing about maps to
     * {@link SchedulerState#NONE} (or is left out).
     */
    Map<String, SchedulerState> query(StudyContext ctx, List<StudyMember> members) throws IOException, InterruptedException;

    /**
     * Stops the members the scheduler still has (queued or running); a running member is stopped by a signal so that
     * it records itself killed and stays resumable. Returns one line per action taken, for the console.
     */
    List<String> cancel(StudyContext ctx, List<StudyMember> members) throws IOException, InterruptedException;
}
