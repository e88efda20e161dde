package org.coverlab.study.slurm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Array-task states as Slurm's commands print them, keyed by task id ({@code "12345_2"}): squeue's
 * {@code -h -r -o %F|%K|%T}, sacct's {@code -n -X -P -o JobID,State} and {@code scontrol -o show job}, the last for a
 * cluster without accounting (finished jobs stay in the controller for {@code MinJobAge}).
 */
public final class SlurmTasks {

    /** squeue's output format for {@link #parseSqueue}. */
    public static final String SQUEUE_FORMAT = "%F|%K|%T";
    /** sacct's fields for {@link #parseSacct}. */
    public static final String SACCT_FIELDS = "JobID,State";

    /** States in which Slurm still has the task queued or running: {@code study resume} leaves such a member alone. */
    private static final Set<String> ACTIVE = Set.of("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED",
            "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT",
            "RESV_DEL_HOLD", "SPECIAL_EXIT");

    private static final Pattern ARRAY_JOB = Pattern.compile("(?:^| )ArrayJobId=(\\S+)");
    private static final Pattern ARRAY_TASK = Pattern.compile("(?:^| )ArrayTaskId=(\\S+)");
    private static final Pattern JOB_STATE = Pattern.compile("(?:^| )JobState=(\\S+)");

    private SlurmTasks() {}

    public static String taskId(String arrayJobId, int index) {
        return arrayJobId + "_" + index;
    }

    public static boolean isActive(String state) {
        return ACTIVE.contains(state);
    }

    /** {@code 12345|2|RUNNING} lines; rows of a job that is not an array task (index N/A) are skipped. */
    public static Map<String, String> parseSqueue(String out) {
        Map<String, String> tasks = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\|");
            if (f.length >= 3 && f[1].matches("\\d+")) {
                tasks.put(taskId(f[0], Integer.parseInt(f[1])), f[2]);
            }
        }
        return tasks;
    }

    /**
     * {@code 12345_2|COMPLETED} lines (the state's first word: sacct writes "CANCELLED by 1000"); the still-pending
     * rest of an array ({@code 12345_[3-5]}) is skipped, squeue lists it task by task.
     */
    public static Map<String, String> parseSacct(String out) {
        Map<String, String> tasks = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\\|");
            if (f.length >= 2 && f[0].matches("\\d+_\\d+")) {
                tasks.put(f[0], f[1].strip().split(" ")[0]);
            }
        }
        return tasks;
    }

    /** One {@code scontrol -o show job} line per job: array tasks by ArrayJobId, ArrayTaskId and JobState. */
    public static Map<String, String> parseScontrol(String out) {
        Map<String, String> tasks = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String job = find(ARRAY_JOB, line);
            String task = find(ARRAY_TASK, line);
            String state = find(JOB_STATE, line);
            if (job != null && task != null && task.matches("\\d+") && state != null) {
                tasks.put(taskId(job, Integer.parseInt(task)), state);
            }
        }
        return tasks;
    }

    private static String find(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? m.group(1) : null;
    }
}
