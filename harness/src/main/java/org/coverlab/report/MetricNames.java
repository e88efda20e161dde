package org.coverlab.report;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How the report names and orders metrics. The cover-feature scores ({@code fid_cover}, {@code kid_cover}) are
 * distances in the cover-feature extractor's space, so they are always labelled as such: they are not FID/KID and
 * do not compare with Inception-based numbers in papers.
 */
final class MetricNames {

    static final String LOSS = "loss";
    /** Evaluation metrics in the order the contract names them. */
    static final List<String> EVALUATION = List.of("fid", "kid", "fid_cover", "kid_cover");
    /** Series that are an axis, a spread shown with its metric, or the run's own smoothing of the loss. */
    private static final Set<String> NOT_PLOTTED = Set.of(RunSnapshot.EPOCH, "loss_ema");

    private MetricNames() {}

    static boolean isCover(String metric) {
        return metric.endsWith("_cover") || metric.endsWith("_cover_std");
    }

    /** Whether a metric gets its own plot: not an axis, not a spread, not a namespaced timing (sample/seconds). */
    static boolean plotted(String metric) {
        return !NOT_PLOTTED.contains(metric) && !metric.endsWith("_std") && !metric.contains("/");
    }

    /** The label of a metric in headings and legends. */
    static String label(String metric) {
        if (metric.equals(LOSS)) {
            return "training loss (smoothed)";
        }
        if (isCover(metric)) {
            return metric + " (cover-feature score, not " + (metric.startsWith("fid") ? "FID" : "KID") + ")";
        }
        return switch (metric) {
            case "fid" -> "FID (Inception)";
            case "kid" -> "KID (Inception)";
            case "lr" -> "learning rate";
            case "grad_norm" -> "gradient norm";
            case "examples_per_s" -> "examples per second";
            case "rss_mb" -> "resident memory (MB)";
            default -> metric;
        };
    }

    /** The loss first, then evaluation metrics, then the rest by name. */
    static final Comparator<String> ORDER = Comparator.comparingInt(MetricNames::rank).thenComparing(Comparator.naturalOrder());

    private static int rank(String metric) {
        if (metric.equals(LOSS)) {
            return 0;
        }
        int e = EVALUATION.indexOf(metric);
        return e >= 0 ? 1 + e : 100;
    }
}
