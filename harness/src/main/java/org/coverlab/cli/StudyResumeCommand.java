package org.coverlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.coverlab.spec.StudySpec;
import org.coverlab.study.SchedulerState;
import org.coverlab.study.StudyContext;
import org.coverlab.study.StudyDir;
import org.coverlab.study.StudyExecutor;
import org.coverlab.study.StudyMember;
import org.coverlab.study.StudyRecord;
import org.coverlab.study.StudyStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab study resume STUDY_ID}: submits again every member that is neither finished nor still with the scheduler. */
@Command(name = "resume",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Resubmit a study's unfinished members (pending, killed, failed) with the executor it was created",
                "with; members the scheduler still has (queued or running) are left alone. Each member continues",
                "from its latest checkpoint (coverlab run --resume ID). Undoes a 'study cancel'."},
        footer = {"", ExitCodes.HELP_SECTION})
public final class StudyResumeCommand implements Callable<Integer> {

    @ParentCommand
    StudyCommand parent;

    @Parameters(index = "0", paramLabel = "STUDY_ID", description = "The study's id.")
    String id;

    @Option(names = "--parallel", paramLabel = "N", description = "Local executor: members running at once.")
    Integer parallel;

    @Mixin
    RunsDirOption runsDir;

    @Mixin
    StudyCommand.StudiesDirOption studiesDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        CliContext ctx = parent.context();
        StudyDir dir = StudyCommand.find(ctx, studiesDir, runsDir, id);
        StudyRecord record = StudyCommand.read(dir);
        StudySpec.Executor settings = record.executor();
        if (parallel != null) {
            if (parallel < 1) {
                ctx.err().println("coverlab: --parallel must be at least 1, got " + parallel);
                return ExitCodes.BAD_INPUT;
            }
            settings = new StudySpec.Executor(settings.kind(), parallel, settings.runsDir(), settings.slurm());
        }
        StudyExecutor executor;
        try {
            executor = StudyCommand.executor(settings.kind());
        } catch (StudyCommand.UnavailableExecutorException e) {
            ctx.err().println("coverlab: " + e.getMessage() + "; study " + id + " was created with it");
            return ExitCodes.UNAVAILABLE;
        }
        List<String> problems = executor.check(settings);
        if (!problems.isEmpty()) {
            ctx.err().println("coverlab: " + settings.kind().key() + " executor cannot take the study:");
            problems.forEach(p -> ctx.err().println("  " + p));
            return ExitCodes.BAD_INPUT;
        }
        StudyContext sctx = StudyCommand.context(ctx, dir, record, settings);
        Map<String, SchedulerState> scheduler = executor.query(sctx, record.members());
        List<StudyStatus.Row> rows = StudyStatus.rows(record, scheduler);
        List<StudyMember> again = rows.stream().filter(r -> !r.finished() && r.status() != null && !r.scheduler().active())
                .map(StudyStatus.Row::member).toList();
        long active = rows.stream().filter(r -> r.scheduler().active()).count();
        if (again.isEmpty()) {
            ctx.err().println("coverlab: study " + id + ": nothing to resume (" + StudyStatus.counts(rows)
                    + (active > 0 ? "; " + active + " still with the scheduler" : "") + ")");
            return ExitCodes.OK;
        }
        Files.deleteIfExists(dir.cancelMarker());
        ctx.err().println("coverlab: study " + id + ": resubmitting " + again.size() + " member(s): "
                + String.join(" ", again.stream().map(StudyMember::runId).toList())
                + (active > 0 ? " (" + active + " left with the scheduler)" : ""));
        dir.log(ctx.clock().instant() + " resume: " + again.size() + " member(s)");
        int code = executor.submit(sctx, again);
        StudyStatusCommand.writeSummary(sctx, executor);
        return code;
    }
}
