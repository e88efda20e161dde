package org.coverlab.study.slurm;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.coverlab.run.RunJson;
import org.coverlab.spec.StudySpec;
import org.coverlab.study.SchedulerState;
import org.coverlab.study.StudyContext;
import org.coverlab.study.StudyExecutor;
import org.coverlab.study.StudyMember;
import org.coverlab.util.AtomicFiles;

/**
 * Runs a study's members on a Slurm cluster through Slurm's own commands. First, each submission writes a batch script
 * ({@link SlurmBatchScript}: one array task per member, each {@code coverlab run --resume ID} on the shared runs
 * folder) into {@code studies/<id>/executor/slurm/} and hands it to {@code sbatch}; then it records the array's job id
 * with the members' indexes in {@code submissions.json} and returns. Finally, {@code study status} asks squeue (queued
 * and running tasks) and sacct (finished ones; {@code scontrol show job} on a cluster without accounting) about each
 * member's latest task, and {@code study cancel} scancels the tasks still queued or running.
 *
 * <p>Nothing depends on the submitting shell: the tasks, their requeues (a preemption, {@code scontrol requeue}, the
 * SIGUSR1 before the time limit) and their output live in Slurm and on the shared storage.
 */
public final class SlurmExecutor implements StudyExecutor {

    /** The executor's folder name under {@code studies/<id>/executor/}. */
    public static final String FOLDER = "slurm";
    static final String SUBMISSIONS = "submissions.json";

    /**
     * One sbatch of this study.
     *
     * @param arrayJobId the job id sbatch printed
     * @param script     the batch script submitted
     * @param members    run id to array index, for the members of this submission
     */
    public record Submission(String arrayJobId, String submittedAt, String script, Map<String, Integer> members) {}

    @Override
    public StudySpec.Kind kind() {
        return StudySpec.Kind.SLURM;
    }

    @Override
    public List<String> check(StudySpec.Executor settings) {
        return SlurmCommands.onPath("sbatch", System.getenv()).isPresent() ? List.of()
                : List.of("executor slurm: " + SlurmCommands.missing("sbatch"));
    }

    @Override
    public int submit(StudyContext ctx, List<StudyMember> members) throws IOException, InterruptedException {
        if (members.isEmpty()) {
            return 0;
        }
        Path folder = ctx.dir().executorFolder(FOLDER);
        List<Submission> submissions = submissions(folder);
        SortedMap<Integer, String> runs = new TreeMap<>();
        for (StudyMember m : members) {
            runs.put(m.index(), m.runId());
            Files.createDirectories(ctx.dir().memberOutput(m.runId()).getParent());
        }
        String script = SlurmBatchScript.render("coverlab-" + ctx.record().name(), ctx.settings().slurm(), folder,
                ctx.dir().memberOutput(members.get(0).runId()).getParent(), runs,
                SlurmBatchScript.commandFor(run -> ctx.coverlab().resume(run, ctx.runsDir())));
        Path scriptFile = folder.resolve("submit-" + (submissions.size() + 1) + ".sh");
        AtomicFiles.write(scriptFile, script.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        SlurmCommands.Result r = new SlurmCommands(ctx.env()).run("sbatch", List.of("--parsable", scriptFile.toString()));
        String jobId = r.out().strip().split(";")[0];
        if (!r.ok() || !jobId.matches("\\d+")) {
            ctx.console().printf("study %s: sbatch refused the job array (exit %d): %s%n  script: %s%n",
                    ctx.record().id(), r.exitCode(), r.err().isEmpty() ? r.out().strip() : r.err(), scriptFile);
            ctx.dir().log(ctx.clock().instant() + " slurm: sbatch " + scriptFile + " failed: " + r.err());
            return 1;
        }
        Map<String, Integer> byRun = new LinkedHashMap<>();
        runs.forEach((index, run) -> byRun.put(run, index));
        submissions.add(new Submission(jobId, ctx.clock().instant().toString(), scriptFile.toString(), byRun));
        AtomicFiles.write(folder.resolve(SUBMISSIONS),
                RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(submissions));
        ctx.dir().log(ctx.clock().instant() + " slurm: job array " + jobId + " (tasks "
                + SlurmBatchScript.arraySpec(runs.keySet().stream().toList()) + ") from " + scriptFile);
        ctx.console().printf("study %s: submitted %d member(s) as Slurm job array %s (tasks %s); output in %s%n"
                        + "  follow it with: coverlab study status %s%n", ctx.record().id(), members.size(), jobId,
                SlurmBatchScript.arraySpec(runs.keySet().stream().toList()), folder, ctx.record().id());
        return 0;
    }

    @Override
    public Map<String, SchedulerState> query(StudyContext ctx, List<StudyMember> members)
            throws IOException, InterruptedException {
        Path folder = ctx.dir().executorFolder(FOLDER);
        Map<String, String> taskOf = latestTasks(submissions(folder), members);
        Map<String, String> states = states(new SlurmCommands(ctx.env()), taskOf);
        Map<String, SchedulerState> out = new LinkedHashMap<>();
        taskOf.forEach((run, task) -> {
            String state = states.getOrDefault(task, "-");
            String arrayJob = task.substring(0, task.indexOf('_'));
            int index = Integer.parseInt(task.substring(task.indexOf('_') + 1));
            out.put(run, new SchedulerState(task, state, SlurmTasks.isActive(state),
                    SlurmBatchScript.outputOf(folder, arrayJob, index).toString()));
        });
        return out;
    }

    @Override
    public List<String> cancel(StudyContext ctx, List<StudyMember> members) throws IOException, InterruptedException {
        Map<String, SchedulerState> states = query(ctx, members);
        List<String> tasks = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        states.forEach((run, s) -> {
            if (s.active()) {
                tasks.add(s.jobId());
                lines.add("scancel " + s.jobId() + " (run " + run + ", " + s.state() + ")");
            }
        });
        if (tasks.isEmpty()) {
            return List.of("no member is queued or running in Slurm");
        }
        // Slurm's own stop: SIGTERM to the task's processes, so each run records itself killed and stays resumable.
        SlurmCommands.Result r = new SlurmCommands(ctx.env()).run("scancel", tasks);
        if (!r.ok()) {
            lines.add("scancel exited " + r.exitCode() + ": " + r.err());
        }
        ctx.dir().log(ctx.clock().instant() + " slurm: scancel " + String.join(" ", tasks));
        return lines;
    }

    /** Each member's task in the latest submission that has it ("12345_2"); members never submitted are left out. */
    static Map<String, String> latestTasks(List<Submission> submissions, List<StudyMember> members) {
        Map<String, String> tasks = new LinkedHashMap<>();
        for (StudyMember m : members) {
            for (Submission s : submissions) {
                Integer index = s.members().get(m.runId());
                if (index != null) {
                    tasks.put(m.runId(), SlurmTasks.taskId(s.arrayJobId(), index));
                }
            }
        }
        return tasks;
    }

    /**
     * The state of each task: squeue for those Slurm still has queued or running, then sacct for the finished ones, or
     * scontrol where the cluster keeps no accounting (sacct says "accounting storage is disabled").
     */
    static Map<String, String> states(SlurmCommands slurm, Map<String, String> taskOf)
            throws IOException, InterruptedException {
        Set<String> jobs = new LinkedHashSet<>();
        taskOf.values().forEach(t -> jobs.add(t.substring(0, t.indexOf('_'))));
        if (jobs.isEmpty()) {
            return Map.of();
        }
        String jobList = String.join(",", jobs);
        Map<String, String> states = new LinkedHashMap<>();
        SlurmCommands.Result q = slurm.run("squeue", List.of("-h", "-r", "-j", jobList, "-o", SlurmTasks.SQUEUE_FORMAT));
        // squeue exits 1 when none of the jobs is known any more ("Invalid job id specified")
        if (!q.ok() && !q.err().contains("Invalid job id")) {
            throw new IOException("squeue failed (exit " + q.exitCode() + "): " + q.err());
        }
        states.putAll(SlurmTasks.parseSqueue(q.out()));
        if (states.keySet().containsAll(taskOf.values())) {
            return states;
        }
        Map<String, String> finished = Map.of();
        SlurmCommands.Result a = SlurmCommands.onPath("sacct", slurm.env()).isPresent()
                ? slurm.run("sacct", List.of("-n", "-X", "-P", "-j", jobList, "-o", SlurmTasks.SACCT_FIELDS))
                : null;
        if (a != null && a.ok()) {
            finished = SlurmTasks.parseSacct(a.out());
        } else {
            StringBuilder out = new StringBuilder();
            for (String job : jobs) {
                SlurmCommands.Result c = slurm.run("scontrol", List.of("-o", "show", "job", job));
                if (c.ok()) {
                    out.append(c.out()).append('\n');
                }
            }
            finished = SlurmTasks.parseScontrol(out.toString());
        }
        finished.forEach(states::putIfAbsent);
        return states;
    }

    static List<Submission> submissions(Path folder) throws IOException {
        Path file = folder.resolve(SUBMISSIONS);
        if (!Files.exists(file)) {
            return new ArrayList<>();
        }
        return new ArrayList<>(RunJson.mapper().readValue(file.toFile(), new TypeReference<List<Submission>>() {}));
    }
}
