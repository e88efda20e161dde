package org.coverlab.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.coverlab.stages.Pipeline;

/** Runs {@code coverlab ...} in this JVM with {@code cwd} as working directory and captures what it prints. */
final class InProcessCli {

    record Result(int code, String out, String err) {
        /** For assertion messages: everything the command printed. */
        String all() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private InProcessCli() {
    }

    static Result coverlab(Path cwd, String... args) {
        return coverlab(Pipeline.standard(), cwd, args);
    }

    /** As {@link #coverlab(Path, String...)} with the stages of {@code pipeline} (e.g. a build without one). */
    static Result coverlab(Pipeline pipeline, Path cwd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), cwd, false, pipeline,
                RemoteTrackers.NONE, Clock.systemUTC(), false);
        int code = CoverlabCommand.execute(ctx, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
