package org.coverlab.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One XChart plot per metric and x axis (optimizer step, epoch), one line per run. The training loss is drawn
 * smoothed (a debiased exponential moving average, as TensorBoard's smoothing slider does) because a per-step loss of
 * diffusion training is mostly timestep noise. Non-finite values (a diverged loss) are left out and counted in the
 * caption.
 */
final class MetricPlots {

    /** Smoothing weight of the loss curve: each point is 90% the average so far and 10% the new value. */
    static final double SMOOTHING = 0.9;
    private static final int WIDTH = 720;
    private static final int HEIGHT = 380;
    /** More points than a 720-pixel plot can show are thinned to this many per line. */
    private static final int MAX_POINTS = 1500;

    /** A plot to embed and to log: {@code file} is its name in the report's asset folder. */
    record Plot(String metric, String axis, String title, String caption, String file, byte[] png) {}

    private MetricPlots() {}

    static List<Plot> render(List<RunSnapshot> runs, Map<RunSnapshot, String> labels) throws IOException {
        TreeSet<String> metrics = new TreeSet<>(MetricNames.ORDER);
        runs.forEach(r -> r.metrics().forEach((name, series) -> {
            if (MetricNames.plotted(name) && !series.isEmpty()) {
                metrics.add(name);
            }
        }));
        List<Plot> plots = new ArrayList<>();
        for (String metric : metrics) {
            for (String axis : List.of("step", "epoch")) {
                plot(runs, labels, metric, axis).ifPresent(plots::add);
            }
        }
        return plots;
    }

    private static Optional<Plot> plot(List<RunSnapshot> runs, Map<RunSnapshot, String> labels, String metric, String axis)
            throws IOException {
        String title = MetricNames.label(metric) + " vs " + axis;
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(axis.equals("step") ? "optimizer step" : "epoch").yAxisTitle(metric).build();
        Styler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setToolTipsEnabled(false);
        int dropped = 0;
        List<String> without = new ArrayList<>();
        double maxAbs = 0;
        boolean singlePoints = true;
        for (RunSnapshot run : runs) {
            NavigableMap<Long, Double> series = run.metrics().get(metric);
            if (series == null || series.isEmpty()) {
                continue;
            }
            NavigableMap<Long, Double> std = run.metrics().get(metric + "_std");
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            double avg = 0;
            int n = 0;
            for (Map.Entry<Long, Double> e : series.entrySet()) {
                double v = e.getValue();
                if (!Double.isFinite(v)) {
                    dropped++;
                    continue;
                }
                Double x = axis.equals("step") ? Double.valueOf(e.getKey()) : run.epochAt(e.getKey()).orElse(null);
                if (x == null) {
                    continue;
                }
                n++;
                avg = SMOOTHING * avg + (1 - SMOOTHING) * v;
                double y = metric.equals(MetricNames.LOSS) ? avg / (1 - Math.pow(SMOOTHING, n)) : v;
                xs.add(x);
                ys.add(y);
                Double s = std == null ? null : std.get(e.getKey());
                errors.add(s == null || !Double.isFinite(s) ? 0.0 : s);
            }
            if (xs.isEmpty()) {
                without.add(run.id());
                continue;
            }
            thin(xs, ys, errors);
            singlePoints &= xs.size() == 1;
            for (int i = 0; i < ys.size(); i++) {
                maxAbs = Math.max(maxAbs, Math.abs(ys.get(i)) + errors.get(i));
            }
            XYSeries s = std == null ? chart.addSeries(labels.get(run), xs, ys) : chart.addSeries(labels.get(run), xs, ys, errors);
            s.setMarker(xs.size() <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        if (chart.getSeriesMap().isEmpty()) {
            return Optional.empty();
        }
        if (singlePoints) {
            // With one point per line XChart labels the axis with the raw doubles (133.62455863921122): four digits do.
            chart.getStyler().setYAxisDecimalPattern(maxAbs >= 1e-3 || maxAbs == 0 ? "#,##0.####" : "0.###E0");
        }
        String caption = caption(metric, axis, dropped, without);
        String file = "plot-" + metric.replaceAll("[^A-Za-z0-9_.-]", "_") + "-vs-" + axis + ".png";
        return Optional.of(new Plot(metric, axis, title, caption, file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG)));
    }

    private static String caption(String metric, String axis, int dropped, List<String> without) {
        StringBuilder c = new StringBuilder();
        if (metric.equals(MetricNames.LOSS)) {
            c.append("Training loss per optimizer step, smoothed (debiased exponential moving average, weight ")
                    .append(SMOOTHING).append("). ");
        } else if (MetricNames.isCover(metric)) {
            c.append(metric).append(" is a distance in the cover-feature extractor's space: a cover-feature score, not ")
                    .append(metric.startsWith("fid") ? "FID" : "KID").append(", and not comparable with published numbers. ");
        } else {
            c.append(MetricNames.label(metric)).append(" at each step it was logged. ");
        }
        if (metric.startsWith("kid")) {
            c.append("Error bars: the standard deviation over KID subsets. ");
        }
        c.append("One line per run; x axis: ").append(axis.equals("step") ? "optimizer update" : "epoch (fraction of the training set seen)").append('.');
        if (dropped > 0) {
            c.append(' ').append(dropped).append(" non-finite value(s) (NaN or infinity) are not drawn.");
        }
        if (!without.isEmpty()) {
            c.append(" Not drawn, no ").append(axis).append(" recorded: ").append(String.join(", ", without)).append('.');
        }
        return c.toString();
    }

    /** Keeps every k-th point (and the last) when a line has more points than the plot can show. */
    private static void thin(List<Double> xs, List<Double> ys, List<Double> errors) {
        if (xs.size() <= MAX_POINTS) {
            return;
        }
        int k = (int) Math.ceil(xs.size() / (double) MAX_POINTS);
        List<Double> x2 = new ArrayList<>();
        List<Double> y2 = new ArrayList<>();
        List<Double> e2 = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            if (i % k == 0 || i == xs.size() - 1) {
                x2.add(xs.get(i));
                y2.add(ys.get(i));
                e2.add(errors.get(i));
            }
        }
        xs.clear();
        xs.addAll(x2);
        ys.clear();
        ys.addAll(y2);
        errors.clear();
        errors.addAll(e2);
    }

    /** Fractional epochs for a run whose {@code epoch} metric is a whole number per step: spread over each epoch's steps. */
    static NavigableMap<Long, Double> fractional(NavigableMap<Long, Double> epochs) {
        boolean whole = epochs.values().stream().allMatch(v -> v == Math.rint(v));
        if (!whole || epochs.isEmpty()) {
            return epochs;
        }
        NavigableMap<Long, Double> out = new TreeMap<>();
        List<Map.Entry<Long, Double>> entries = new ArrayList<>(epochs.entrySet());
        int start = 0;
        for (int i = 1; i <= entries.size(); i++) {
            if (i == entries.size() || !entries.get(i).getValue().equals(entries.get(start).getValue())) {
                int count = i - start;
                double e = entries.get(start).getValue();
                for (int j = start; j < i; j++) {
                    out.put(entries.get(j).getKey(), e + (j - start + 1) / (double) count);
                }
                start = i;
            }
        }
        return out;
    }
}
