package org.coverlab.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * The report's two tables, as Tablesaw tables (also written as CSV beside the page): one row per run (final loss,
 * images seen, training time, the run's wall time over all its attempts, examples per second, peak memory, status),
 * and one row per evaluation point (each metric with the number of generated and reference images behind it). Missing values stay missing (shown as a dash), never zero.
 */
final class SummaryTables {

    static final String DASH = "—";

    private SummaryTables() {}

    static Table runs(List<RunSnapshot> runs) {
        StringColumn id = StringColumn.create("run");
        StringColumn name = StringColumn.create("spec name");
        StringColumn status = StringColumn.create("status");
        DoubleColumn finalLoss = number("final loss", "0.0000");
        LongColumn steps = LongColumn.create("optimizer steps");
        LongColumn imagesSeen = LongColumn.create("images seen");
        DoubleColumn trainTime = number("training time (s)", "0.0");
        DoubleColumn wall = number("wall time (s)", "0.0");
        DoubleColumn examples = number("examples/s", "0.00");
        DoubleColumn peak = number("peak memory (MB)", "#,##0");
        steps.setPrintFormatter(new NumberColumnFormatter(integer(), DASH));
        imagesSeen.setPrintFormatter(new NumberColumnFormatter(integer(), DASH));
        for (RunSnapshot r : runs) {
            id.append(r.id());
            name.append(r.name());
            status.append(r.status().key() + (r.live() ? " (live)" : ""));
            finalLoss.append(r.summaryNumber("final_loss").or(() -> r.last(MetricNames.LOSS)).orElse(null));
            Optional<Double> updates = r.summaryNumber("optimizer_updates")
                    .or(() -> Optional.ofNullable(r.metrics().get(MetricNames.LOSS)).filter(s -> !s.isEmpty()).map(s -> (double) s.lastKey()));
            appendLong(steps, updates);
            appendLong(imagesSeen, r.summaryNumber("images_seen"));
            trainTime.append(r.summaryNumber("train_seconds").orElse(null));
            wall.append(r.wallSeconds() > 0 ? r.wallSeconds() : null);
            examples.append(mean(r, "examples_per_s").or(() -> rate(r)).orElse(null));
            peak.append(r.summaryNumber("peak_rss_mb").or(() -> max(r, "rss_mb")).orElse(null));
        }
        return Table.create("runs", id, name, status, finalLoss, steps, imagesSeen, trainTime, wall, examples, peak);
    }

    /** One row per evaluation record of every run; a metric column for each metric any record has. */
    static Table evaluations(List<RunSnapshot> runs) {
        TreeSet<String> metricNames = new TreeSet<>(MetricNames.ORDER);
        runs.forEach(r -> r.evaluations().forEach(e -> metricNames.addAll(e.metrics().keySet())));
        StringColumn id = StringColumn.create("run");
        StringColumn name = StringColumn.create("spec name");
        StringColumn point = StringColumn.create("point");
        LongColumn step = LongColumn.create("step");
        DoubleColumn epoch = number("epoch", "0.##");
        LongColumn images = LongColumn.create("images");
        images.setPrintFormatter(new NumberColumnFormatter(integer(), DASH));
        LongColumn referenceImages = LongColumn.create("reference images");
        referenceImages.setPrintFormatter(new NumberColumnFormatter(integer(), DASH));
        step.setPrintFormatter(new NumberColumnFormatter(integer(), DASH));
        StringColumn extractor = StringColumn.create("extractor");
        List<DoubleColumn> metricColumns = new ArrayList<>();
        for (String m : metricNames) {
            metricColumns.add(number(m, m.startsWith("kid") ? "0.00000" : "0.000"));
        }
        for (RunSnapshot r : runs) {
            for (EvaluationInfo e : r.evaluations()) {
                id.append(r.id());
                name.append(r.name());
                point.append(e.label());
                step.append(e.step());
                epoch.append(e.epoch());
                images.append(e.images());
                appendLong(referenceImages, e.referenceImages());
                extractor.append(e.extractorName());
                for (DoubleColumn c : metricColumns) {
                    c.append(e.metrics().get(c.name()));
                }
            }
        }
        Table t = Table.create("evaluations", id, name, point, step, epoch, images, referenceImages, extractor);
        metricColumns.forEach(t::addColumns);
        return t;
    }

    /** A table as header and display strings (Tablesaw's formatters), for the page. */
    static HtmlTable view(Table table) {
        List<HtmlTable.Header> headers = new ArrayList<>();
        for (Column<?> c : table.columns()) {
            headers.add(new HtmlTable.Header(c.name(), MetricNames.isCover(c.name()) ? "cover-feature score, not "
                    + (c.name().startsWith("fid") ? "FID" : "KID") : null, c instanceof StringColumn ? "" : "num"));
        }
        List<HtmlTable.Row> rows = new ArrayList<>();
        for (int r = 0; r < table.rowCount(); r++) {
            List<HtmlTable.Cell> row = new ArrayList<>();
            for (Column<?> c : table.columns()) {
                String text = c.isMissing(r) ? DASH : c.getString(r);
                row.add(new HtmlTable.Cell(text, c instanceof StringColumn ? "" : "num"));
            }
            rows.add(new HtmlTable.Row(row));
        }
        return new HtmlTable(headers, rows);
    }

    private static DoubleColumn number(String name, String pattern) {
        DoubleColumn c = DoubleColumn.create(name);
        c.setPrintFormatter(new NumberColumnFormatter(new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)), DASH));
        return c;
    }

    private static DecimalFormat integer() {
        return new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    private static void appendLong(LongColumn c, Optional<Double> v) {
        if (v.isPresent()) {
            c.append(Math.round(v.get()));
        } else {
            c.appendMissing();
        }
    }

    private static Optional<Double> mean(RunSnapshot r, String metric) {
        var s = r.metrics().get(metric);
        return s == null || s.isEmpty() ? Optional.empty()
                : Optional.of(s.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    }

    private static Optional<Double> max(RunSnapshot r, String metric) {
        var s = r.metrics().get(metric);
        return s == null || s.isEmpty() ? Optional.empty()
                : Optional.of(s.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    /** images_seen / train_seconds when the run logged both but no per-step rate. */
    private static Optional<Double> rate(RunSnapshot r) {
        Optional<Double> seen = r.summaryNumber("images_seen");
        Optional<Double> seconds = r.summaryNumber("train_seconds");
        return seen.isPresent() && seconds.isPresent() && seconds.get() > 0
                ? Optional.of(seen.get() / seconds.get()) : Optional.empty();
    }
}
