package org.coverlab.util;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** Plain-text tables and numbers for command output. */
public final class TextTable {

    private TextTable() {}

    /** Left-aligned columns separated by two spaces; the last column is not padded. */
    public static void print(PrintStream out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols - 1; c++) {
                width[c] = Math.max(width[c], r[c] == null ? 1 : r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String cell = r[c] == null ? "-" : r[c];
                line.append(c < cols - 1 ? String.format("%-" + width[c] + "s  ", cell) : cell);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Four significant digits, plain notation where readable. */
    public static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e6 ? String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "")
                : String.format(Locale.ROOT, "%.3e", v);
    }

    /** Metric values as {@code name=value} pairs in their order, numbers as {@link #number}. */
    public static String metrics(Map<String, Double> values) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(e.getKey()).append('=').append(number(e.getValue()));
        }
        return b.toString();
    }
}
