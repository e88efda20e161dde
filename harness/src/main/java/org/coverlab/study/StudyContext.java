package org.coverlab.study;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.coverlab.spec.StudySpec;

/**
 * What an executor gets from the study command.
 *
 * @param dir           the study folder (member consoles, the executor's own records)
 * @param record        the study as recorded (members, runs folder)
 * @param settings      the executor settings in force ({@code kind} after {@code --executor}, {@code parallel} after
 *                      {@code --parallel})
 * @param coverlab      how to start {@code coverlab run --resume ID} for a member
 * @param console       where the executor reports (stderr of the command)
 * @param env           the environment of the command (members inherit it; executors read nothing else)
 * @param handleSignals install Ctrl-C/SIGTERM handling (a real process; in-process tests leave it off)
 */
public record StudyContext(StudyDir dir, StudyRecord record, StudySpec.Executor settings, CoverlabCommandLine coverlab,
                           PrintStream console, Clock clock, Map<String, String> env, boolean handleSignals) {

    public Path runsDir() {
        return Path.of(record.runsDir());
    }

    /** The command that starts or continues a member: {@code coverlab run --resume ID --runs-dir DIR}. */
    public java.util.List<String> memberCommand(StudyMember member) {
        return coverlab.resume(member.runId(), runsDir());
    }
}
