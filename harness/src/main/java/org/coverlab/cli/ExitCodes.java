package org.coverlab.cli;

/** Process exit codes of every coverlab command (documented in README.md and in each command's --help). */
public final class ExitCodes {
    /** Done: the run finished, or the command did what was asked. */
    public static final int OK = 0;
    /** The run started but a stage failed (the cause is in run.log and 'coverlab runs show'). */
    public static final int RUN_FAILED = 1;
    /** Bad input: usage error, invalid spec (every issue is printed), unknown run id. Nothing was created. */
    public static final int BAD_INPUT = 2;
    /** The run is locked: another process is driving it (its pid is printed). */
    public static final int LOCKED = 3;
    /** The spec needs a stage or tracker this build does not have. Nothing was created. */
    public static final int UNAVAILABLE = 4;
    /** An unexpected internal error (a bug; the stack trace is printed). */
    public static final int INTERNAL = 70;
    /** Stopped by Ctrl-C (SIGINT); the run is marked killed and can be resumed. */
    public static final int INTERRUPTED = 130;
    /** Stopped by SIGTERM (kill, a scheduler's stop); the run is marked killed and can be resumed. */
    public static final int TERMINATED = 143;
    /**
     * Stopped by SIGUSR1 (a batch scheduler's warning before its time limit) after saving a checkpoint; the run is
     * marked killed and its requeued job resumes it.
     */
    public static final int PREEMPTED = 138;

    static final String HELP_SECTION = """
            Exit codes:
              0    ok (run finished, or the command did what was asked)
              1    the run failed in a stage (see run.log / coverlab runs show)
              2    bad input: usage, invalid spec (all issues listed), unknown run id;
                   nothing created
              3    the run is locked by another process (its pid is printed)
              4    the spec needs a stage or tracker this build does not include;
                   nothing created
              70   internal error (a bug)
              130  stopped by Ctrl-C (SIGINT); the run is marked killed and can be resumed
              138  stopped by SIGUSR1 (a scheduler's time limit is near) after a checkpoint;
                   marked killed, resumable
              143  stopped by SIGTERM; the run is marked killed and can be resumed""";

    private ExitCodes() {}
}
