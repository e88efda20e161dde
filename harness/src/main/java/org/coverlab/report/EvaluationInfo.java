package org.coverlab.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.coverlab.run.RunJson;

/**
 * One evaluation point, {@code eval/<label>/evaluation.json} as the evaluate stage writes it: the metrics (fid, kid,
 * kid_std with the Inception extractor; fid_cover, kid_cover, kid_cover_std with the cover-feature extractor), how many
 * generated images they used, the reference statistics and extractor, and the model's provenance.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EvaluationInfo(
        String label,
        long step,
        double epoch,
        Map<String, Double> metrics,
        long images,
        JsonNode reference,
        JsonNode extractor,
        JsonNode model,
        double seconds) {

    public static final String JSON = "evaluation.json";

    public EvaluationInfo {
        metrics = metrics == null ? Map.of() : new TreeMap<>(metrics);
    }

    /** An evaluation record as {@link org.coverlab.run.RunReader#evaluations()} returns it ({@code file} for messages). */
    static EvaluationInfo of(JsonNode json, String file) throws IOException {
        EvaluationInfo e = RunJson.mapper().treeToValue(json, EvaluationInfo.class);
        if (e.label() == null) {
            throw new IOException(file + ": no \"label\"");
        }
        return e;
    }

    /** How many images the reference statistics were computed from, when recorded. */
    public java.util.Optional<Double> referenceImages() {
        return reference != null && reference.path("images").isNumber()
                ? java.util.Optional.of(reference.path("images").asDouble()) : java.util.Optional.empty();
    }

    /** The extractor's name as recorded ("inception", "cover", ...), or empty. */
    public String extractorName() {
        return extractor == null ? "" : extractor.path("name").asText("");
    }
}
