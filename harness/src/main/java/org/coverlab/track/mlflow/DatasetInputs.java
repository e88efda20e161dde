package org.coverlab.track.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.mlflow.api.proto.Service.Dataset;
import org.mlflow.api.proto.Service.DatasetInput;
import org.mlflow.api.proto.Service.InputTag;

/**
 * A run's dataset as an MLflow dataset input, the way MLflow's Python client logs a pandas dataset
 * ({@code mlflow.log_input(mlflow.data.from_pandas(df, source=...), context="training")}): name, digest, source type
 * and source, the schema as {@code mlflow_colspec} (the CSV's columns, strings as pandas reads them), and a profile
 * with the row counts. Read from the run's dataset provenance ({@value #PROVENANCE}).
 */
final class DatasetInputs {

    /** Where the prepare stage writes the dataset provenance, relative to the run directory. */
    static final String PROVENANCE = "data/dataset.json";
    /** The summary key the prepare stage journals with the provenance: the dataset is known once it arrives. */
    static final String SUMMARY_KEY = "dataset.csv_sha256";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetInputs() {}

    /** The dataset input for a provenance file, or empty when the run has none. */
    static Optional<DatasetInput> fromProvenance(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode p = JSON.readTree(file.toFile());
        Path root = Path.of(p.path("path").asText("."));
        Path csv = root.resolve(p.path("csv").asText(""));
        String name = root.getFileName() == null ? p.path("source").asText("dataset") : root.getFileName().toString();
        // The CSV bytes and the dataset settings (split, subset, seed) together say which examples the run saw.
        String digest = p.path("csvSha256").asText("").substring(0, Math.min(8, p.path("csvSha256").asText("").length()))
                + p.path("datasetSpecSha256").asText("").substring(0, Math.min(8, p.path("datasetSpecSha256").asText("").length()));
        ObjectNode source = JSON.createObjectNode().put("uri", csv.toString());
        ObjectNode profile = JSON.createObjectNode()
                .put("num_rows", p.path("rowsUsable").asLong())
                .put("csv_rows", p.path("csvRows").asLong())
                .put("train_examples", p.path("trainExamples").asLong())
                .put("validation_examples", p.path("validationExamples").asLong())
                .put("dropped", p.path("dropped").asLong())
                .put("generator", p.path("source").asText(""));
        Dataset.Builder dataset = Dataset.newBuilder().setName(name).setDigest(digest).setSourceType("local")
                .setSource(source.toString()).setProfile(profile.toString());
        columns(csv).ifPresent(schema -> dataset.setSchema(schema.toString()));
        return Optional.of(DatasetInput.newBuilder()
                .addTags(InputTag.newBuilder().setKey("mlflow.data.context").setValue("training"))
                .setDataset(dataset).build());
    }

    /** {"mlflow_colspec": [{"type": "string", "name": column, "required": true}, ...]} from the CSV's header line. */
    private static Optional<ObjectNode> columns(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            return Optional.empty(); // provenance from another machine: no schema rather than a guess
        }
        String header;
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            header = in.readLine();
        }
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        ObjectNode schema = JSON.createObjectNode();
        ArrayNode specs = schema.putArray("mlflow_colspec");
        for (String column : header.replace("\uFEFF", "").split(",", -1)) {
            String name = column.strip().replaceAll("^\"|\"$", "");
            specs.addObject().put("type", "string").put("name", name).put("required", true);
        }
        return Optional.of(schema);
    }
}
