package org.coverlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.coverlab.run.Progress;
import org.coverlab.run.RunId;
import org.coverlab.run.RunSession;
import org.coverlab.run.RunSettings;
import org.coverlab.run.RunStore;
import org.coverlab.run.Runner;
import org.coverlab.run.StagePlanException;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecException;
import org.coverlab.spec.SpecIssue;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.SpecValues;
import org.coverlab.spec.StudyFile;
import org.coverlab.spec.StudyLoader;
import org.coverlab.spec.StudySpec;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.stages.ComputeDevice;
import org.coverlab.stages.ModelSource;
import org.coverlab.study.StudyContext;
import org.coverlab.study.StudyCreation;
import org.coverlab.study.StudyDir;
import org.coverlab.study.StudyExecutor;
import org.coverlab.study.StudyMember;
import org.coverlab.study.StudyRecord;
import org.coverlab.study.StudyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code coverlab study run STUDY.yaml}: checks the study file and every member (each spec with its overrides, loaded
 * and planned exactly as {@code coverlab run} would) before anything exists, then creates the study folder with every
 * member as a pending run, and hands the members to the executor.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Create a study from a study file and run its members.",
                "The study file and every member spec are checked first; if anything is wrong every problem is listed",
                "and nothing is created. The local executor waits for the members (one table of their progress;",
                "Ctrl-C stops them all, resumable); the slurm executor returns once the job array is queued."},
        footer = {"", "Examples:",
                "  coverlab study run experiments/study.yaml",
                "  coverlab study run experiments/study.yaml --executor local --parallel 2 --set train.epochs=1",
                "  coverlab study run sweep.yaml --executor slurm --runs-dir /shared/coverlab/runs --yes",
                "", ExitCodes.HELP_SECTION})
public final class StudyRunCommand implements Callable<Integer> {

    /** A study with more members than this asks for {@code --yes}. */
    static final int CONFIRM_ABOVE = 20;

    @ParentCommand
    StudyCommand parent;

    @Parameters(index = "0", paramLabel = "STUDY", description = "Study file (YAML); relative to the current directory.")
    Path studyFile;

    @Option(names = "--executor", paramLabel = "NAME", converter = StudyCommand.KindConverter.class,
            description = "local or slurm, overriding executor.kind in the study file.")
    StudySpec.Kind executorKind;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Local executor: members running at once (default: executor.parallel, else what fits the cores and memory).")
    Integer parallel;

    @Option(names = "--yes", description = "Run a study of more than " + CONFIRM_ABOVE + " members without asking.")
    boolean yes;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec key in every member (after the study's own set:); repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--tracker", split = ",", paramLabel = "BACKEND", converter = TrackerConverter.class,
            description = "Tracking backends of every member, overriding their tracking.backends: local, wandb, mlflow.")
    List<TrackingSpec.Backend> trackers = new ArrayList<>();

    @Mixin
    RunsDirOption runsDir;

    @Mixin
    StudyCommand.StudiesDirOption studiesDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        CliContext ctx = parent.context();
        Path path = ctx.cwd().resolve(studyFile).normalize();
        StudyFile study;
        try {
            study = StudyLoader.load(path);
        } catch (SpecException e) {
            return problems(ctx, path + ": " + count(e.issues().size()), e.issues().stream().map(SpecIssue::toString).toList());
        }
        StudySpec.Executor settings = study.spec().executor();
        if (executorKind != null) {
            settings = settings.withKind(executorKind);
        }
        if (parallel != null) {
            if (parallel < 1) {
                return fail(ctx, ExitCodes.BAD_INPUT, "--parallel must be at least 1, got " + parallel);
            }
            settings = new StudySpec.Executor(settings.kind(), parallel, settings.runsDir(), settings.slurm());
        }
        StudyExecutor executor;
        try {
            executor = StudyCommand.executor(settings.kind());
        } catch (StudyCommand.UnavailableExecutorException e) {
            return fail(ctx, ExitCodes.UNAVAILABLE, e.getMessage() + "; no study was created");
        }
        List<String> executorProblems = executor.check(settings);
        if (!executorProblems.isEmpty()) {
            return problems(ctx, settings.kind().key() + " executor cannot take the study", executorProblems);
        }
        List<StudyFile.Member> members = withCommandLineSets(study.members(), study.spec().set().size());
        if (members.size() > CONFIRM_ABOVE && !yes) {
            return fail(ctx, ExitCodes.BAD_INPUT, path + " expands to " + members.size() + " runs (" + study.spec().specs().size()
                    + " spec(s) x " + (members.size() / Math.max(1, study.spec().specs().size())) + " sweep point(s)), more than "
                    + CONFIRM_ABOVE + "; run it again with --yes to create them all; no study was created");
        }
        Path runsRoot = runsRoot(ctx, study, settings);
        RunSettings env = ctx.settings();
        RunSession session = new RunSession(new RunStore(runsRoot, new RunId(), ctx.clock()),
                (spec, selected) -> RunPlanner.stages(ctx, spec, selected, true),
                spec -> RunPlanner.remoteTracking(ctx, spec, !trackers.isEmpty()),
                spec -> ModelSource.resolve(spec.model(), env.tinyModel()),
                ComputeDevice::nameFor,
                new RunSession.Options(new Runner.Settings(ctx.err(), Progress.Style.LINES, env.progressInterval(),
                        ctx.clock(), env), false, ctx.cwd()));

        List<StudyCreation.Planned> planned = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean unavailable = false;
        List<String> stages = study.spec().stages();
        for (int i = 0; i < members.size(); i++) {
            StudyFile.Member m = members.get(i);
            String who = path + ":" + study.specLines().get(m.specIndex()) + ": member " + i + " ("
                    + study.file().getParent().relativize(m.specFile()) + (m.overrides().isEmpty() ? "" : " --set "
                    + String.join(" --set ", m.overrides())) + ")";
            ExperimentSpec spec;
            try {
                spec = SpecLoader.load(m.specFile(), m.overrides(), new SpecLoader.Options(ctx.cwd(), true));
            } catch (SpecException e) {
                e.issues().forEach(issue -> problems.add(who + ": " + issue));
                continue;
            }
            if (!trackers.isEmpty()) {
                spec = SpecValues.with(spec, "tracking", spec.tracking().withBackends(trackers));
            }
            try {
                planned.add(new StudyCreation.Planned(m.specFile().toString(), m.overrides(), session.prepare(spec, stages)));
            } catch (StagePlanException e) {
                unavailable |= e.kind() == StagePlanException.Kind.UNAVAILABLE;
                e.problems().forEach(p -> problems.add(who + ": " + p));
            }
        }
        if (!problems.isEmpty()) {
            ctx.err().println("coverlab: " + path + ": " + count(problems.size()) + " in its members; the whole study is refused and nothing was created:");
            problems.forEach(p -> ctx.err().println("  " + p));
            return unavailable ? ExitCodes.UNAVAILABLE : ExitCodes.BAD_INPUT;
        }

        StudyStore studies = studiesDir.store(ctx, runsRoot);
        List<String> studyWide = new ArrayList<>(study.spec().set());
        studyWide.addAll(overrides);
        StudyDir dir = StudyCreation.create(studies, session, new StudyCreation.Draft(study.spec().name(),
                study.spec().description(), path, Files.readString(path), runsRoot, settings, studyWide, stages,
                VersionProvider.harnessVersion(), StudyTracking.mlflowParent(ctx, planned, study.spec().description())),
                planned, ctx.clock());
        StudyRecord record = dir.read();
        ctx.err().println("coverlab: study " + dir.id() + " '" + record.name() + "' created in " + dir.path() + " with "
                + record.members().size() + " member run(s) in " + runsRoot + ": "
                + String.join(" ", record.members().stream().map(StudyMember::runId).toList()));
        dir.log(ctx.clock().instant() + " created from " + path + " with " + record.members().size() + " member(s); executor "
                + settings.kind().key());
        StudyContext sctx = StudyCommand.context(ctx, dir, record, settings);
        int code = executor.submit(sctx, record.members());
        StudyStatusCommand.writeSummary(ctx, sctx, executor);
        return code;
    }

    /** The runs folder: --runs-dir, else executor.runs_dir (relative to the study file), else $COVERLAB_RUNS_DIR or ./runs. */
    private Path runsRoot(CliContext ctx, StudyFile study, StudySpec.Executor settings) {
        if (runsDir.runsDir == null && !settings.runsDir().isBlank()) {
            return study.folder().resolve(settings.runsDir()).toAbsolutePath().normalize();
        }
        return runsDir.store(ctx).root();
    }

    private List<StudyFile.Member> withCommandLineSets(List<StudyFile.Member> members, int studySets) {
        if (overrides.isEmpty()) {
            return members;
        }
        // after the study's set: and before the sweep point, so a grid key still wins over a blanket --set
        List<StudyFile.Member> out = new ArrayList<>();
        for (StudyFile.Member m : members) {
            List<String> o = new ArrayList<>(m.overrides());
            o.addAll(studySets, overrides);
            out.add(new StudyFile.Member(m.specIndex(), m.specFile(), o));
        }
        return out;
    }

    private static String count(int n) {
        return n + (n == 1 ? " problem" : " problems");
    }

    private static int problems(CliContext ctx, String what, List<String> lines) {
        ctx.err().println("coverlab: " + what + "; no study was created:");
        lines.forEach(l -> ctx.err().println("  " + l));
        return ExitCodes.BAD_INPUT;
    }

    private static int fail(CliContext ctx, int code, String message) {
        ctx.err().println("coverlab: " + message);
        return code;
    }
}
