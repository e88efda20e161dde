package org.coverlab.study.slurm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.coverlab.spec.StudySpec;

/**
 * The batch script of one submission: a job array with one task per member, the array index being the member's index
 * in the study, each task running {@code coverlab run --resume ID} for its member.
 *
 * <p>First the {@code #SBATCH} lines: the study's settings (partition, time, cpus-per-task, mem, gres, gpus, account,
 * extra arguments), {@code --requeue}, the warning before the time limit ({@code --signal=B:USR1@N}) and one Slurm
 * output file per task, appended across attempts. Then the task picks its run, starts coverlab in the background with
 * the member's console appended to {@code members/<run>.out}, and waits for it. Finally, on SIGUSR1 it passes the
 * signal on (the run checkpoints and exits 138) and requeues itself; on the SIGTERM of a cancel or requeue, which Slurm
 * sends to every process of the job, it keeps waiting so the run can record its stop before the job ends.
 */
public final class SlurmBatchScript {

    /** Where the Slurm output of task {@code %a} of job array {@code %A} goes (Slurm fills in the patterns). */
    public static final String OUTPUT_PATTERN = "slurm-%A_%a.out";

    private static final String RUN_PLACEHOLDER = "\u0000run\u0000";

    private SlurmBatchScript() {}

    /** The Slurm output file of one task, as {@link #OUTPUT_PATTERN} names it. */
    public static Path outputOf(Path slurmFolder, String arrayJobId, int index) {
        return slurmFolder.resolve("slurm-" + arrayJobId + "_" + index + ".out");
    }

    /**
     * @param jobName      the job's name in squeue
     * @param settings     the study's #SBATCH settings
     * @param slurmFolder  where the Slurm output files go (on storage the nodes share)
     * @param membersFolder where each member's console goes, {@code <run>.out}
     * @param runs         the members of this submission: array index to run id
     * @param command      how to start a member, with {@code runId} standing for the run id: {@link #commandFor}
     */
    public static String render(String jobName, StudySpec.Slurm settings, Path slurmFolder, Path membersFolder,
                                SortedMap<Integer, String> runs, List<String> command) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        for (String option : options(jobName, settings, slurmFolder, runs)) {
            s.append("#SBATCH ").append(option).append('\n');
        }
        s.append("""
                # Written by coverlab: one array task per study member, each running 'coverlab run --resume RUN_ID'.
                set -u
                case "${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}" in
                """);
        runs.forEach((index, run) -> s.append("  ").append(index).append(") run=").append(quote(run)).append(" ;;\n"));
        s.append("""
                  *) echo "coverlab: no study member has array index $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;
                esac
                """);
        s.append("console=").append(quote(membersFolder.toString())).append("/\"$run.out\"\n");
        s.append("""
                say() { echo "coverlab: $(date -u +%Y-%m-%dT%H:%M:%SZ) $*"; }
                say "task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} (job $SLURM_JOB_ID) on $(hostname)," \\
                    "restart ${SLURM_RESTART_COUNT:-0}: coverlab run --resume $run; its console: $console"
                """);
        s.append(String.join(" ", command.stream().map(SlurmBatchScript::word).toList()))
                .append(" >>\"$console\" 2>&1 &\n");
        s.append("""
                child=$!
                preempted=0
                # The warning before the time limit (--signal=B:USR1@N) reaches this shell only: pass it on; the run saves a
                # checkpoint and exits 138, then the task is requeued and resumes from that checkpoint.
                trap 'preempted=1; say "SIGUSR1: the time limit is near; asking run $run to checkpoint and stop"; kill -USR1 "$child"' USR1
                # A cancel or requeue sends SIGTERM to every process of the job, the run included: wait while it records its stop.
                trap 'say "SIGTERM: waiting for run $run to record its stop"' TERM
                while :; do
                  wait "$child"; rc=$?
                  kill -0 "$child" 2>/dev/null || break  # else a trapped signal interrupted the wait
                done
                # The run's own status when that wait was the one a signal interrupted (127: this bash already gave it).
                wait "$child" 2>/dev/null; last=$?
                ((last == 127)) || rc=$last
                say "run $run exited with $rc"
                if ((preempted)) && ((rc == 138)); then
                  say "requeueing job $SLURM_JOB_ID: the run resumes from its checkpoint"
                  scontrol requeue "$SLURM_JOB_ID"
                elif ((rc != 0 && rc != 130 && rc != 143)); then
                  say "the last lines of $console:"
                  tail -n 20 "$console" | sed 's/^/  | /'
                fi
                exit "$rc"
                """);
        return s.toString();
    }

    /** The {@code #SBATCH} options of a submission, in order. */
    static List<String> options(String jobName, StudySpec.Slurm settings, Path slurmFolder,
                                SortedMap<Integer, String> runs) {
        List<String> o = new ArrayList<>();
        o.add("--job-name=" + jobName);
        o.add("--array=" + arraySpec(runs.keySet().stream().toList())
                + (settings.maxRunning() > 0 ? "%" + settings.maxRunning() : ""));
        o.add("--output=" + slurmFolder.resolve(OUTPUT_PATTERN));
        o.add("--open-mode=append");
        o.add("--requeue");
        if (settings.signalSeconds() > 0) {
            o.add("--signal=B:USR1@" + settings.signalSeconds());
        }
        add(o, "--partition", settings.partition());
        add(o, "--time", settings.time());
        if (settings.cpusPerTask() > 0) {
            o.add("--cpus-per-task=" + settings.cpusPerTask());
        }
        add(o, "--mem", settings.mem());
        add(o, "--gres", settings.gres());
        add(o, "--gpus", settings.gpus());
        add(o, "--account", settings.account());
        o.addAll(settings.extraArgs());
        return o;
    }

    private static void add(List<String> options, String name, String value) {
        if (value != null && !value.isBlank()) {
            options.add(name + "=" + value.strip());
        }
    }

    /** Sorted indexes as Slurm's --array wants them, runs folded into ranges: [0,1,2,5,7,8] -> "0-2,5,7-8". */
    static String arraySpec(List<Integer> sorted) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(sorted.get(i));
            if (j > i) {
                s.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return s.toString();
    }

    /**
     * The command of every task, from a function that builds a member's command for a run id: the run id comes from the
     * task's {@code $run}, so the (long) class path is written once, not once per member.
     */
    public static List<String> commandFor(java.util.function.Function<String, List<String>> commandOfRun) {
        return commandOfRun.apply(RUN_PLACEHOLDER);
    }

    private static String word(String arg) {
        return arg.equals(RUN_PLACEHOLDER) ? "\"$run\"" : quote(arg);
    }

    /** A word bash reads back as exactly {@code s}. */
    static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
