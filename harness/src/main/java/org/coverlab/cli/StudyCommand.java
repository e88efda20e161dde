package org.coverlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import org.coverlab.run.RunId;
import org.coverlab.spec.StudySpec;
import org.coverlab.study.CoverlabCommandLine;
import org.coverlab.study.StudyContext;
import org.coverlab.study.StudyDir;
import org.coverlab.study.StudyExecutor;
import org.coverlab.study.StudyExecutors;
import org.coverlab.study.StudyRecord;
import org.coverlab.study.StudyStore;
import org.coverlab.util.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coverlab study ...}: many runs as one study, run locally in parallel or on a Slurm cluster. */
@Command(name = "study",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Run a study (a YAML file naming experiment specs and a sweep over their keys) as many runs at once,",
                "locally (processes on this machine) or on a Slurm cluster, and follow, resume or cancel it by its id.",
                "Every member is an ordinary run: runs list, runs show, run --resume and report work on it."},
        subcommands = {
                StudyRunCommand.class,
                StudyStatusCommand.class,
                StudyResumeCommand.class,
                StudyCancelCommand.class,
        },
        footer = {"", ExitCodes.HELP_SECTION})
public final class StudyCommand extends CommandGroup {

    /** The {@code --studies-dir} option of every study command. */
    public static final class StudiesDirOption {
        @Option(names = "--studies-dir", paramLabel = "DIR",
                description = "Studies folder (default: $" + StudyStore.ENV + ", else studies/ beside the runs folder).")
        Path studiesDir;

        StudyStore store(CliContext ctx, Path runsRoot) {
            return new StudyStore(StudyStore.resolveRoot(studiesDir, ctx.env(), ctx.cwd(), runsRoot), new RunId());
        }
    }

    /** {@code --executor NAME}: local or slurm, case-insensitive. */
    static final class KindConverter implements CommandLine.ITypeConverter<StudySpec.Kind> {
        @Override
        public StudySpec.Kind convert(String value) {
            String key = value.strip().toLowerCase(Locale.ROOT);
            for (StudySpec.Kind k : StudySpec.Kind.values()) {
                if (k.key().equals(key)) {
                    return k;
                }
            }
            throw new CommandLine.TypeConversionException("unknown executor '" + value + "'; expected local or slurm");
        }
    }

    /** The executor of a kind, or bad input naming what this build has. */
    static StudyExecutor executor(StudySpec.Kind kind) {
        return StudyExecutors.standard().get(kind).orElseThrow(() -> new UnavailableExecutorException(
                "the " + kind.key() + " executor is not in this build"));
    }

    /** An executor this build lacks: exit 4, as a stage it lacks. */
    static final class UnavailableExecutorException extends RuntimeException {
        UnavailableExecutorException(String message) {
            super(message);
        }
    }

    /** The study of an id (bad input when there is none): found through --studies-dir, else beside the runs folder. */
    static StudyDir find(CliContext ctx, StudiesDirOption studies, RunsDirOption runs, String id) {
        return studies.store(ctx, runs.store(ctx).root()).find(id);
    }

    static StudyContext context(CliContext ctx, StudyDir dir, StudyRecord record, StudySpec.Executor settings) {
        return new StudyContext(dir, record, settings, CoverlabCommandLine.currentJvm(), ctx.err(), Clock.systemUTC(),
                ctx.env(), ctx.handleSignals());
    }

    static StudyRecord read(StudyDir dir) {
        try {
            return dir.read();
        } catch (IOException e) {
            throw new BadInputException("cannot read " + dir.record() + ": " + e.getMessage(), e);
        }
    }
}
