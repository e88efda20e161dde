package org.coverlab.spec;

import java.util.List;

/**
 * A study file: a name, the experiment specs that are its members, an optional sweep that multiplies them, and where
 * the members run. Loaded and checked by {@link StudyLoader} as strictly as an experiment spec; every member is an
 * ordinary run of its spec with the study's {@code set} overrides and one point of the sweep applied.
 * The sweep's {@code grid} (spec key paths to values) is not a record component: its keys are spec key paths, so
 * {@link StudyLoader} reads it itself into {@link StudyFile#grid()}.
 */
public record StudySpec(
        @Doc("Study name: W&B group, MLflow parent run name, and the name 'coverlab report --study' selects") String name,
        @Doc("What the study is for, shown by 'study status'") String description,
        @Doc("Experiment spec files, relative to the study file's folder; each is a member (times the sweep)") List<String> specs,
        @Doc("Overrides applied to every member before the sweep's, as --set does: \"key.path=value\"") List<String> set,
        @Doc("Run only these stages in every member (as run --stages), e.g. [test] for the harness demo loop; empty = each spec's pipeline") List<String> stages,
        @Doc("Sweep over spec keys: every member spec runs once per grid point and seed") Sweep sweep,
        @Doc("Where and how the members run") Executor executor) {

    public StudySpec {
        specs = specs == null ? List.of() : List.copyOf(specs);
        set = set == null ? List.of() : List.copyOf(set);
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    public static final StudySpec DEFAULT = new StudySpec("", "", List.of(), List.of(), List.of(), Sweep.DEFAULT,
            Executor.DEFAULT);

    /**
     * The sweep. {@code grid} (a map of spec key path to a list of values, e.g. {@code train.learning_rate: [5e-6,
     * 1e-5]}) is the cartesian product of its keys in file order; {@code seeds} repeats every grid point once per seed
     * ({@code --set seed=N}).
     */
    public record Sweep(
            @Doc("Repeat every member once per seed (sets the spec key 'seed'); empty = the spec's own seed") @Range(min = 0) List<Long> seeds) {

        public static final Sweep DEFAULT = new Sweep(List.of());

        public Sweep {
            seeds = seeds == null ? List.of() : List.copyOf(seeds);
        }
    }

    /** Which executor runs the members and its settings; {@code coverlab study run --executor} overrides {@code kind}. */
    public record Executor(
            @Doc("local (processes on this machine) or slurm (a job array through sbatch)") Kind kind,
            @Doc("Local executor: members running at once; 0 = what fits this machine's cores and memory") @Range(min = 0, max = 256) int parallel,
            @Doc("Runs folder for the members (on storage the Slurm nodes share); relative to the study file; empty = --runs-dir, $COVERLAB_RUNS_DIR or ./runs") String runsDir,
            @Doc("Slurm executor settings (#SBATCH options of the job array)") Slurm slurm) {

        public static final Executor DEFAULT = new Executor(Kind.LOCAL, 0, "", Slurm.DEFAULT);

        public Executor withKind(Kind k) {
            return new Executor(k, parallel, runsDir, slurm);
        }
    }

    /** The executors; the names here are the only list ({@code --executor} converts to it). */
    public enum Kind implements SpecEnum {
        LOCAL, SLURM;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }

    /** #SBATCH settings of the members' job array; an empty value is left to the cluster's defaults. */
    public record Slurm(
            @Doc("--partition") String partition,
            @Doc("--time, the per-task time limit (e.g. 02:00:00 or 1-00:00:00)") String time,
            @Doc("--cpus-per-task; 0 = the cluster's default") @Range(min = 0, max = 4096) int cpusPerTask,
            @Doc("--mem (e.g. 16G)") String mem,
            @Doc("--gres (e.g. gpu:1)") String gres,
            @Doc("--gpus (e.g. 1 or a100:1)") String gpus,
            @Doc("--account") String account,
            @Doc("Further sbatch arguments, passed as given (e.g. [--qos=normal, --constraint=avx2])") List<String> extraArgs,
            @Doc("Seconds before the time limit at which Slurm signals the task (--signal=B:USR1@N) so the run checkpoints, stops and is requeued") @Range(min = 0, max = 86400) int signalSeconds,
            @Doc("Array tasks running at once (--array=...%N); 0 = no limit") @Range(min = 0, max = 100000) int maxRunning) {

        public static final Slurm DEFAULT = new Slurm("", "", 0, "", "", "", "", List.of(), 120, 0);

        public Slurm {
            extraArgs = extraArgs == null ? List.of() : List.copyOf(extraArgs);
        }
    }
}
