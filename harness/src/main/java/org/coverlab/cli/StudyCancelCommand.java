package org.coverlab.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.coverlab.study.StudyContext;
import org.coverlab.study.StudyDir;
import org.coverlab.study.StudyExecutor;
import org.coverlab.study.StudyRecord;
import org.coverlab.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab study cancel STUDY_ID}: no further member starts, and running ones stop (killed, resumable). */
@Command(name = "cancel",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Cancel a study: members not started stay pending, running members are stopped by a signal and",
                "record themselves killed, queued scheduler jobs are removed. 'study resume' continues it later."},
        footer = {"", ExitCodes.HELP_SECTION})
public final class StudyCancelCommand implements Callable<Integer> {

    @ParentCommand
    StudyCommand parent;

    @Parameters(index = "0", paramLabel = "STUDY_ID", description = "The study's id.")
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
        AtomicFiles.writeString(dir.cancelMarker(), ctx.clock().instant() + "\n");
        dir.log(ctx.clock().instant() + " cancel");
        StudyExecutor executor;
        try {
            executor = StudyCommand.executor(record.executor().kind());
        } catch (StudyCommand.UnavailableExecutorException e) {
            ctx.err().println("coverlab: " + e.getMessage() + "; marked study " + id + " cancelled, stop its jobs by hand");
            return ExitCodes.UNAVAILABLE;
        }
        StudyContext sctx = StudyCommand.context(ctx, dir, record, record.executor());
        List<String> done = executor.cancel(sctx, record.members());
        done.forEach(l -> ctx.err().println("coverlab: " + l));
        ctx.err().println("coverlab: study " + id + " cancelled" + (done.isEmpty() ? " (no member was running)" : "")
                + "; continue it with: coverlab study resume " + id);
        return ExitCodes.OK;
    }
}
