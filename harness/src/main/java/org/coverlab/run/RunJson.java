package org.coverlab.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON dialect of the run store: events carry a {@code "type"} discriminator (started, metrics, image, artifact,
 * summary, finished), non-finite doubles (a diverged loss) are written as the strings "NaN"/"Infinity" so every line
 * stays valid JSON, and unknown fields are ignored so older harnesses can read newer runs.
 */
public final class RunJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addMixIn(RunEvent.class, RunEventTypes.class)
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    private RunJson() {}

    /** A configured mapper; ObjectMapper is thread-safe once configured, and this one is never reconfigured. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = RunEvent.Started.class, name = "started"),
            @JsonSubTypes.Type(value = RunEvent.Metrics.class, name = "metrics"),
            @JsonSubTypes.Type(value = RunEvent.Image.class, name = "image"),
            @JsonSubTypes.Type(value = RunEvent.Artifact.class, name = "artifact"),
            @JsonSubTypes.Type(value = RunEvent.Summary.class, name = "summary"),
            @JsonSubTypes.Type(value = RunEvent.SystemMetrics.class, name = "system"),
            @JsonSubTypes.Type(value = RunEvent.Finished.class, name = "finished")})
    private interface RunEventTypes {}
}
