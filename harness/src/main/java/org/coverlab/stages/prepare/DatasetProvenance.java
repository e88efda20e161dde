package org.coverlab.stages.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run's dataset was, written to {@code data/dataset.json} and journaled as a Summary: enough to tell whether two
 * runs trained and evaluated on the same examples (same CSV bytes, same dataset settings and seed, same counts).
 *
 * @param csvSha256         SHA-256 of the CSV bytes the run read: the file, or for a generated synthetic set the header
 *                          and the rows of the covers the spec uses (the same however far the folder has grown)
 * @param datasetSpecSha256 SHA-256 of the flattened {@code dataset} section plus the experiment seed (the split and
 *                          subset depend on it)
 * @param generated         whether this run generated the synthetic set (first use) or extended it to the covers the
 *                          spec uses, rather than finding it
 * @param generator         the synthetic generator's manifest (generator.json), absent for real data
 * @param csvRows           data rows read from the CSV (of a generated synthetic set, those of the covers the spec
 *                          uses; its generator.json counts the folder's): usable plus dropped at load (malformed, missing fields, not
 *                          English, image file missing); images are decoded later, so none is dropped for that yet
 * @param skipped           dropped/converted counts per reason, as the loader reported them
 */
record DatasetProvenance(
        String source,
        String path,
        String csv,
        String layout,
        String csvSha256,
        String datasetSpecSha256,
        int csvRows,
        int rowsUsable,
        int trainExamples,
        int validationExamples,
        int dropped,
        int converted,
        Map<String, Integer> skipped,
        boolean generated,
        JsonNode generator,
        String describe) {

    /** The Summary event's values: flat {@code dataset.*} keys, so trackers show them as run summary fields. */
    Map<String, Object> summary() {
        Map<String, Object> m = new TreeMap<>();
        m.put("dataset.source", source);
        m.put("dataset.csv_sha256", csvSha256);
        m.put("dataset.spec_sha256", datasetSpecSha256);
        m.put("dataset.csv_rows", csvRows);
        m.put("dataset.rows_usable", rowsUsable);
        m.put("dataset.train_examples", trainExamples);
        m.put("dataset.validation_examples", validationExamples);
        m.put("dataset.dropped", dropped);
        m.put("dataset.converted", converted);
        m.put("dataset.generated", generated);
        return m;
    }

    static Map<String, Integer> counts(Map<org.coverlab.data.SkipReason, Integer> byReason) {
        Map<String, Integer> out = new LinkedHashMap<>();
        byReason.forEach((reason, n) -> out.put(reason.label(), n));
        return out;
    }
}
