package org.coverlab.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Checkpoints;
import org.coverlab.run.JournalRecord;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunJson;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunOverview;
import org.coverlab.run.RunReader;
import org.coverlab.run.RunState;
import org.coverlab.run.RunStatus;
import org.coverlab.run.UnknownRunException;
import org.coverlab.util.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab runs show RUN_ID}: everything the run store knows about one run. */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Show one run: status, position, process, spec and its hash, stages, checkpoints, last metrics, summary and where its files are.",
        footer = {"", ExitCodes.HELP_SECTION})
public final class RunsShowCommand implements Callable<Integer> {

    @ParentCommand
    RunsCommand parent;

    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id (see coverlab runs list).")
    String runId;

    @Mixin
    RunsDirOption runsDir;

    @Option(names = "--json", description = "Print one JSON object (run.json, state.json, checkpoints, last metrics, summary).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        CliContext ctx = parent.context();
        RunDir dir;
        try {
            dir = runsDir.store(ctx).find(runId);
        } catch (UnknownRunException e) {
            ctx.err().println("coverlab: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        RunOverview o = RunOverview.of(dir);
        RunInfo info = o.info();
        RunState s = o.state();
        RunReader reader = RunReader.open(dir);
        List<JournalRecord> journal = reader.journal();
        List<Checkpoint> checkpoints = new Checkpoints(dir.checkpoints(), ctx.clock()).list();

        PrintStream out = ctx.out();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>(RunsJson.overview(o));
            all.put("info", info);
            all.put("state", s);
            all.put("checkpoints", checkpoints);
            all.put("events", journal.size());
            if (!reader.summary().isEmpty()) {
                all.put("summary", reader.summary());
            }
            all.put("paths", Map.of("dir", dir.path().toString(), "spec", dir.spec().toString(),
                    "journal", dir.journal().toString(), "log", dir.log().toString()));
            out.println(RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(all));
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(row("run", dir.id() + "  " + info.name()));
        rows.add(row("status", status(o)));
        if (s != null) {
            rows.add(row("position", "stage " + (s.stage() == null ? "-" : s.stage()) + ", epoch " + s.epoch() + ", step " + s.step()
                    + (s.completedStages().isEmpty() ? "" : "; completed: " + String.join(", ", s.completedStages()))));
            rows.add(row("process", "pid " + s.pid() + " on " + s.host()
                    + (RunLock.isHeld(dir.lockFile()) ? " (running now)" : " (not running)")));
            rows.add(row("started", s.startedAt()));
            rows.add(row("updated", s.updatedAt()));
            if (s.error() != null) {
                rows.add(row("error", s.error()));
            }
        }
        rows.add(row("spec", dir.spec() + "  sha256 " + info.specSha256()));
        rows.add(row("from", info.specSource() + (info.overrides().isEmpty() ? "" : "  --set " + String.join(" --set ", info.overrides()))));
        rows.add(row("stages", info.stages().isEmpty() ? "the spec's pipeline" : String.join(", ", info.stages()) + " (--stages)"));
        rows.add(row("trackers", String.join(", ", info.trackers())));
        rows.add(row("harness", info.harnessVersion()));
        rows.add(row("checkpoints", checkpoints.isEmpty() ? "none"
                : checkpoints.stream().map(Checkpoint::name).collect(Collectors.joining(", "))
                  + latest(dir, ctx)));
        rows.add(row("journal", dir.journal() + "  (" + journal.size() + " events)"));
        o.lastMetrics().ifPresent(r -> rows.add(row("last metrics", "step " + r.step() + ": " + RunsListCommand.metrics(r))));
        if (!reader.summary().isEmpty()) {
            rows.add(row("summary", summary(reader.summary())));
        }
        rows.add(row("log", dir.log().toString()));
        if (o.effectiveStatus() != RunStatus.FINISHED && !RunLock.isHeld(dir.lockFile())) {
            rows.add(row("resume", "coverlab run --resume " + dir.id()));
        }
        TextTable.print(out, rows);
        return ExitCodes.OK;
    }

    private static String status(RunOverview o) {
        if (o.stale()) {
            return "killed (state says running, but its process is gone: killed -9 or crashed)";
        }
        return o.effectiveStatus().key();
    }

    private static String latest(RunDir dir, CliContext ctx) {
        try {
            return new Checkpoints(dir.checkpoints(), ctx.clock()).latest().map(c -> " (latest " + c.name() + ")").orElse("");
        } catch (IOException e) {
            return " (latest pointer unreadable: " + e.getMessage() + ")";
        }
    }

    /** Every Summary event's values merged (later ones win), as key=value pairs sorted by key. */
    private static String summary(Map<String, Object> values) {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue() instanceof Number n ? TextTable.number(n.doubleValue()) : e.getValue()))
                .collect(Collectors.joining(" "));
    }

    private static String[] row(String key, String value) {
        return new String[] {key, value == null ? "-" : value};
    }

}
