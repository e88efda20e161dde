package org.coverlab.cli;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.coverlab.study.SchedulerState;
import org.coverlab.study.StudyContext;
import org.coverlab.study.StudyDir;
import org.coverlab.study.StudyExecutor;
import org.coverlab.study.StudyRecord;
import org.coverlab.study.StudyStatus;
import org.coverlab.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab study status STUDY_ID}: the members' table, from their run folders and the executor's scheduler. */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Show a study's members: run id, spec, overrides, status, stage, step, the scheduler's job id and",
                "state, and the last metrics. Also writes the table to studies/<id>/summary.csv."},
        footer = {"", ExitCodes.HELP_SECTION})
public final class StudyStatusCommand implements Callable<Integer> {

    @ParentCommand
    StudyCommand parent;

    @Parameters(index = "0", paramLabel = "STUDY_ID", description = "The study's id (printed by 'study run').")
    String id;

    @Mixin
    RunsDirOption runsDir;

    @Mixin
    StudyCommand.StudiesDirOption studiesDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        CliContext ctx = parent.context();
        StudyDir dir = StudyCommand.find(ctx, studiesDir, runsDir, id);
        StudyRecord record = StudyCommand.read(dir);
        StudyExecutor executor = null;
        try {
            executor = StudyCommand.executor(record.executor().kind());
        } catch (StudyCommand.UnavailableExecutorException e) {
            ctx.err().println("coverlab: warning: " + e.getMessage() + "; the scheduler's columns are empty");
        }
        StudyContext sctx = StudyCommand.context(ctx, dir, record, record.executor());
        List<StudyStatus.Row> rows = writeSummary(sctx, executor);
        ctx.out().println("study " + record.id() + " '" + record.name() + "' (" + record.executor().kind().key()
                + " executor, runs in " + record.runsDir() + "): " + StudyStatus.counts(rows)
                + (dir.isCancelled() ? "; cancelled" : ""));
        StudyStatus.print(ctx.out(), rows);
        rows.stream().filter(r -> !r.finished() && r.scheduler().detail() != null && !r.scheduler().active())
                .forEach(r -> ctx.out().println("  " + r.member().runId() + ": " + r.scheduler().detail()));
        return ExitCodes.OK;
    }

    /** The study's rows with the executor's view (none when it is not in this build), also written to summary.csv. */
    static List<StudyStatus.Row> writeSummary(StudyContext sctx, StudyExecutor executor) throws IOException, InterruptedException {
        Map<String, SchedulerState> scheduler = executor == null ? Map.of() : executor.query(sctx, sctx.record().members());
        List<StudyStatus.Row> rows = StudyStatus.rows(sctx.record(), scheduler);
        AtomicFiles.writeString(sctx.dir().summaryCsv(), StudyStatus.csv(rows));
        return rows;
    }
}
