package org.coverlab.stages.report;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.coverlab.report.Report;
import org.coverlab.report.RunSnapshot;
import org.coverlab.run.Stage;
import org.coverlab.run.StageContext;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.run.RunEvent;

/**
 * The last stage of every experiment that trains or evaluates: first it reads the run's own folder as the report
 * library does for any run, then it writes {@code runs/<id>/report.html} (plots and CSV in {@code report_files/}),
 * finally it journals the page as a {@code report} artifact and each plot as an image, so W&B gets the page as a run
 * file and the plots as media, and MLflow gets both as artifacts. Rewriting the page is idempotent, so a resumed run
 * simply writes it again.
 */
public final class ReportStage implements Stage {

    public static final String NAME = "report";
    public static final String PAGE = "report.html";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * A sampling-only experiment's result is its grids (samples/<label>/grid.png and grid.json); the report compares
     * training curves and metrics, so only experiments that produce those need it ({@code coverlab report} still
     * reports on any run).
     */
    @Override
    public Optional<String> neededBecause(ExperimentSpec spec) {
        boolean evaluates = !spec.eval().metrics().isEmpty() && spec.eval().every() != SampleSpec.When.NEVER;
        return spec.trains() || evaluates ? Optional.of("every experiment that trains or evaluates ends with a report")
                : Optional.empty();
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        RunSnapshot run = RunSnapshot.read(ctx.runDir());
        Path page = ctx.runDir().path().resolve(PAGE);
        Report.Written written = Report.write(java.util.List.of(run), page,
                new Report.Options("Run " + run.id() + " · " + run.name(), run.id()));
        // Media at a step below what a remote tracker already has would be skipped as a repeat: log at the last step.
        long step = run.metrics().values().stream().filter(s -> !s.isEmpty()).mapToLong(s -> s.lastKey()).max().orElse(0);
        Path root = ctx.runDir().path();
        long now = ctx.clock().millis();
        for (Path plot : written.plots()) {
            String file = plot.getFileName().toString();
            String key = "report/" + file.substring(0, file.length() - ".png".length());
            ctx.tracker().log(new RunEvent.Image(now, step, key, relative(root, plot), "report plot " + file));
        }
        ctx.tracker().log(new RunEvent.Artifact(now, step, NAME, relative(root, page)));
        ctx.tracker().log(new RunEvent.Summary(now, Map.of("report", relative(root, page))));
        ctx.log().info("wrote {} ({} KB, {} plot(s) in {})", relative(root, page),
                String.format(Locale.ROOT, "%.0f", written.pageBytes() / 1024.0), written.plots().size(), relative(root, written.assets()));
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
