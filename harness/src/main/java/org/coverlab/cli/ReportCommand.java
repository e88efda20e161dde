package org.coverlab.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.coverlab.report.Report;
import org.coverlab.report.RunSnapshot;
import org.coverlab.report.StudySelection;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunStore;
import org.coverlab.run.UnknownRunException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code coverlab report RUN_ID... | --study NAME...}: one HTML page from run folders (see {@link Report}). First it
 * resolves the runs (every unknown id or empty study is named, exit 2, nothing written), then it reads them, finally
 * it writes the page and says where.
 */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Write an HTML report of one run, or compare several runs or a study on one page: what differs "
                + "between their specs, summary and evaluation tables, metric curves, the fixed-latent grids side by side "
                + "and each run's provenance. Reads the run folders only; runs may still be running.",
                "",
                "Default output: runs/<id>/report.html for one run, reports/<study or compare-ids>.html otherwise."},
        footer = {"", ExitCodes.HELP_SECTION})
public final class ReportCommand implements Callable<Integer> {

    @ParentCommand
    CoverlabCommand root;

    @Parameters(arity = "0..*", paramLabel = "RUN_ID", description = "Runs to report on (see coverlab runs list).")
    List<String> runIds = new ArrayList<>();

    @Option(names = "--study", paramLabel = "NAME",
            description = "Add every run of the study NAME: runs whose spec name is NAME or that carry the study tag NAME."
                    + " Repeatable: --study a --study b puts both on one page.")
    List<String> studies = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write the page (its plots and CSV go to FILE's sibling folder <name>_files/).")
    Path out;

    @Option(names = "--title", paramLabel = "TEXT", description = "Page title (default: the study name or the run).")
    String title;

    @Mixin
    RunsDirOption runsDir;

    @Override
    public Integer call() throws IOException {
        CliContext ctx = root.context();
        if (runIds.isEmpty() && studies.isEmpty()) {
            ctx.err().println("coverlab report: name at least one RUN_ID or --study NAME (see 'coverlab report --help')");
            return ExitCodes.BAD_INPUT;
        }
        RunStore store = runsDir.store(ctx);
        Map<String, RunDir> dirs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String id : runIds) {
            try {
                dirs.put(id, store.find(id));
            } catch (UnknownRunException e) {
                problems.add(e.getMessage());
            }
        }
        for (String study : studies) {
            List<RunDir> members = StudySelection.members(store.list(), study);
            if (members.isEmpty()) {
                problems.add("no run belongs to study '" + study + "' in " + store.root() + " (a run belongs to it when its"
                        + " spec name is '" + study + "' or it carries the study tag; 'coverlab runs list' shows the names)");
            }
            members.forEach(d -> dirs.putIfAbsent(d.id(), d));
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> ctx.err().println("coverlab report: " + p));
            return ExitCodes.BAD_INPUT;
        }
        List<RunSnapshot> runs = new ArrayList<>();
        for (RunDir dir : dirs.values()) {
            try {
                runs.add(RunSnapshot.read(dir));
            } catch (IOException e) {
                ctx.err().println("coverlab report: run " + dir.id() + " cannot be read: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
        Path page = out != null ? ctx.cwd().resolve(out) : defaultPage(ctx, runs);
        String heading = title != null ? title : !studies.isEmpty() ? "Study " + String.join(" + ", studies)
                : runs.size() == 1 ? "Run " + runs.get(0).id() + " · " + runs.get(0).name()
                : "Comparison of " + runs.size() + " runs";
        Report.Written written = Report.write(runs, page, new Report.Options(heading, null));
        for (RunSnapshot r : runs) {
            if (r.status() != org.coverlab.run.RunStatus.FINISHED) {
                ctx.err().println("coverlab report: note: run " + r.id() + " is " + r.status().key()
                        + (r.live() ? " (still running)" : "") + "; the report shows what it has written so far");
            }
        }
        ctx.out().println("wrote " + written.page() + String.format(Locale.ROOT, " (%.0f KB; plots and CSV in %s)",
                written.pageBytes() / 1024.0, written.assets()));
        return ExitCodes.OK;
    }

    private Path defaultPage(CliContext ctx, List<RunSnapshot> runs) {
        if (runs.size() == 1 && studies.isEmpty()) {
            return runs.get(0).folder().resolve("report.html");
        }
        String name = !studies.isEmpty() ? String.join("+", studies) : "compare-" + String.join("-", runs.stream().map(RunSnapshot::id).toList());
        return ctx.cwd().resolve("reports").resolve(name.replaceAll("[^A-Za-z0-9_.+-]", "_") + ".html");
    }
}
