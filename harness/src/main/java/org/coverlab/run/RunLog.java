package org.coverlab.run;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.helpers.MessageFormatter;

/**
 * A run's log: every line goes to {@code run.log} (appended across attempts, flushed per line so a kill -9 loses
 * nothing already logged) and to the console. SLF4J-style {@code {}} placeholders; a trailing Throwable argument is
 * printed with its stack trace to the file and as a one-line cause to the console.
 */
public final class RunLog implements AutoCloseable {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Writer file;
    private final PrintStream console;
    private final Clock clock;
    private final ConsoleLine consoleLine;
    private String stage = "run";

    public RunLog(Path logFile, PrintStream console, Clock clock) throws IOException {
        this.file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.console = console;
        this.clock = clock;
        this.consoleLine = new ConsoleLine(console);
    }

    /** The stage named in each line's bracket. */
    public void stage(String name) {
        this.stage = name;
    }

    public void info(String format, Object... args) {
        write("INFO ", format, args, true);
    }

    public void warn(String format, Object... args) {
        write("WARN ", format, args, true);
    }

    public void error(String format, Object... args) {
        write("ERROR", format, args, true);
    }

    /** A line for run.log only (e.g. periodic progress while a progress bar owns the terminal). */
    public void fileOnly(String format, Object... args) {
        write("INFO ", format, args, false);
    }

    /** The terminal line a progress bar redraws; log lines clear it first. */
    ConsoleLine consoleLine() {
        return consoleLine;
    }

    private synchronized void write(String level, String format, Object[] args, boolean toConsole) {
        var formatted = MessageFormatter.arrayFormat(format, args);
        String line = TIME.format(clock.instant()) + " " + level + " [" + stage + "] " + formatted.getMessage();
        try {
            file.write(line);
            file.write(System.lineSeparator());
            if (formatted.getThrowable() != null) {
                var sw = new java.io.StringWriter();
                formatted.getThrowable().printStackTrace(new java.io.PrintWriter(sw));
                file.write(sw.toString());
            }
            file.flush();
        } catch (IOException e) {
            console.println("coverlab: cannot write run.log: " + e.getMessage());
        }
        if (toConsole) {
            Throwable t = formatted.getThrowable();
            consoleLine.println(t == null ? line : line + ": " + t);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }

    /** Shares the console between log lines and a single redrawn progress line. */
    static final class ConsoleLine {
        private final PrintStream out;
        private boolean barShown;

        ConsoleLine(PrintStream out) {
            this.out = out;
        }

        synchronized void println(String line) {
            if (barShown) {
                out.print("\r\033[2K");
                barShown = false;
            }
            out.println(line);
            out.flush();
        }

        synchronized void redraw(String bar) {
            out.print("\r\033[2K" + bar);
            out.flush();
            barShown = true;
        }

        synchronized void finish() {
            if (barShown) {
                out.println();
                out.flush();
                barShown = false;
            }
        }
    }
}
