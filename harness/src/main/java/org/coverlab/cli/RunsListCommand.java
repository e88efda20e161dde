package org.coverlab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunOverview;
import org.coverlab.run.RunStore;
import org.coverlab.run.RunEvent;
import org.coverlab.util.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab runs list}: one line per run, newest first. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"List runs, newest first: id, name, status, stage, step, start time and last metrics.",
                "A run whose process died without a trace (kill -9, crash) shows as killed*; resume it with coverlab run --resume ID."},
        footer = {"", ExitCodes.HELP_SECTION})
public final class RunsListCommand implements Callable<Integer> {

    @ParentCommand
    RunsCommand parent;

    @Mixin
    RunsDirOption runsDir;

    @Option(names = "--json", description = "Print a JSON array (one object per run) instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        CliContext ctx = parent.context();
        RunStore store = runsDir.store(ctx);
        List<RunDir> runs = store.list();
        PrintStream out = ctx.out();
        if (json) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (RunDir dir : runs) {
                try {
                    items.add(RunsJson.overview(RunOverview.of(dir)));
                } catch (IOException | RuntimeException e) {
                    items.add(Map.of("id", dir.id(), "status", "unreadable", "error", String.valueOf(e.getMessage())));
                }
            }
            out.println(RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(items));
            return ExitCodes.OK;
        }
        if (runs.isEmpty()) {
            ctx.err().println("coverlab: no runs in " + store.root());
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "NAME", "STATUS", "STAGE", "STEP", "STARTED", "LAST METRICS"});
        boolean anyStale = false;
        for (RunDir dir : runs) {
            RunOverview o;
            try {
                o = RunOverview.of(dir);
            } catch (IOException | RuntimeException e) {
                rows.add(new String[] {dir.id(), "?", "unreadable", "", "", "", e.getMessage()});
                continue;
            }
            anyStale |= o.stale();
            rows.add(new String[] {
                    dir.id(),
                    o.info().name(),
                    o.effectiveStatus().key() + (o.stale() ? "*" : ""),
                    o.state() == null || o.state().stage() == null ? "-" : o.state().stage(),
                    o.lastMetrics().map(r -> Long.toString(r.step())).orElse(o.state() == null ? "-" : Long.toString(o.state().step())),
                    shortTime(o.info().createdAt()),
                    o.lastMetrics().map(RunsListCommand::metrics).orElse("-")});
        }
        TextTable.print(out, rows);
        if (anyStale) {
            ctx.err().println("* its process is gone without recording an end (kill -9 or crash); resume with: coverlab run --resume ID");
        }
        return ExitCodes.OK;
    }

    static String metrics(JournalRecord r) {
        if (!(r.event() instanceof RunEvent.Metrics m)) {
            return "-";
        }
        return TextTable.metrics(m.values());
    }

    static String shortTime(String iso) {
        if (iso == null || iso.length() < 16) {
            return iso == null ? "-" : iso;
        }
        return iso.substring(0, 10) + " " + iso.substring(11, 16) + "Z";
    }
}
