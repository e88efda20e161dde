package org.coverlab.stages.evaluate;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.coverlab.stages.ModelProvenance;

/**
 * {@code eval/<label>/evaluation.json}: the scores of one evaluation point and what made them (CONTRACTS.md).
 *
 * @param images    generated images behind every score
 * @param reference the reference statistics: source ("validation" or the .npz path), image count, content SHA-256
 * @param extractor the feature extractor: name, weights SHA-256, feature dimension
 * @param seconds   wall time of this attempt's generation and scoring (not part of the score)
 */
public record EvaluationRecord(String label, long step, long epoch, Map<String, Double> metrics, int images,
                               Reference reference, Extractor extractor, ModelProvenance model, double seconds,
                               Map<String, Object> settings) {

    public record Reference(String source, long images, String sha256) {}

    /** Named as in CONTRACTS.md ({@code weights_sha256}), like the rest of the record's keys there. */
    public record Extractor(String name, @JsonProperty("weights_sha256") String weightsSha256, int dims) {}
}
