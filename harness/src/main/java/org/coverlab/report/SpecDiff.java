package org.coverlab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What differs between runs' resolved specs: the flattened keys whose values are not the same in every run (a key
 * one run lacks counts as different and shows as {@code (not set)}), and the keys they share. Values are the resolved ones the runs used, after
 * {@code extends:} and {@code --set}.
 */
public record SpecDiff(List<Row> differing, List<Row> shared) {

    /** One spec key and its value in each run, in the order of the runs. */
    public record Row(String key, List<String> values) {
        /** The first run's value (for keys every run shares, the value). */
        public String first() {
            return values.isEmpty() ? "" : values.get(0);
        }
    }

    static SpecDiff of(List<RunSnapshot> runs) {
        TreeSet<String> keys = new TreeSet<>();
        runs.forEach(r -> keys.addAll(r.config().keySet()));
        List<Row> differing = new ArrayList<>();
        List<Row> shared = new ArrayList<>();
        for (String key : keys) {
            List<Object> raw = runs.stream().map(r -> r.config().get(key)).toList();
            List<String> shown = raw.stream().map(SpecDiff::show).toList();
            boolean same = raw.stream().allMatch(v -> Objects.equals(v, raw.get(0))) && runs.stream().allMatch(r -> r.config().containsKey(key));
            (same ? shared : differing).add(new Row(key, shown));
        }
        return new SpecDiff(differing, shared);
    }

    private static String show(Object value) {
        if (value == null) {
            return "(not set)";
        }
        if (value.toString().isEmpty()) {
            return "(empty)";
        }
        if (value instanceof List<?> list) {
            return list.toString();
        }
        if (value instanceof Map<?, ?> map) {
            return map.toString();
        }
        return value.toString();
    }
}
