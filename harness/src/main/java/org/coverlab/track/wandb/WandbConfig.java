package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import org.yaml.snakeyaml.DumperOptions;
import java.util.Map;

/**
 * A run's config as UpsertBucket takes it: a JSON string in which each top-level key is wrapped as
 * {@code {"value": v}}, plus {@code _wandb.t}, without which W&B treats the run as never started. The run's dotted keys
 * ({@code train.lr}) are nested again ({@code train: {value: {lr: ...}}}), as the SDK stores a nested dict, so the
 * W&B UI groups them by spec section.
 */
final class WandbConfig {

    /** The harness version from the built jar's Maven properties (as {@code coverlab --version}), "dev" from classes. */
    static final String HARNESS_VERSION = harnessVersion();

    private static String harnessVersion() {
        try (var in = WandbConfig.class.getResourceAsStream("/META-INF/maven/org.coverlab/coverlab-harness/pom.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // a version is only informative
        }
        return "dev";
    }

    private WandbConfig() {}

    /** The config as UpsertBucket's JSON string. */
    static String json(Map<String, Object> flat, ObjectMapper mapper) {
        return json(tree(flat, null, mapper), mapper);
    }

    static String json(ObjectNode config, ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a W&B config", e);
        }
    }

    /**
     * The config's tree: each spec section as {@code {"value": ...}} and {@code _wandb} with the telemetry, plus the
     * run metadata under {@code _wandb.e.<writerId>} when given, as the SDK's config carries it.
     */
    static ObjectNode tree(Map<String, Object> flat, ObjectNode metadataOrNull, ObjectMapper mapper) {
        ObjectNode sections = mapper.createObjectNode();
        flat.forEach((key, value) -> {
            String[] parts = key.split("\\.");
            ObjectNode parent = sections;
            for (int i = 0; i < parts.length - 1; i++) {
                JsonNode child = parent.get(parts[i]);
                parent = child instanceof ObjectNode object ? object : parent.putObject(parts[i]);
            }
            parent.set(parts[parts.length - 1], mapper.valueToTree(value));
        });
        ObjectNode config = mapper.createObjectNode();
        sections.properties().forEach(e -> config.putObject(e.getKey()).set("value", e.getValue()));
        // The SDK's telemetry keys: 4 the language version, 5 and 12 the client's version, 13 the platform; the
        // client here is the harness, named with its version so the W&B UI shows what logged the run.
        ObjectNode wandb = config.putObject("_wandb").putObject("value");
        ObjectNode telemetry = wandb.putObject("t");
        telemetry.putArray("1");
        telemetry.putArray("2");
        telemetry.putArray("3");
        telemetry.put("4", "java " + System.getProperty("java.version", "17"));
        telemetry.put("5", "coverlab " + HARNESS_VERSION);
        telemetry.put("12", "coverlab " + HARNESS_VERSION);
        telemetry.put("13", System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT) + "-"
                + System.getProperty("os.arch", ""));
        wandb.put("cli_version", "coverlab " + HARNESS_VERSION);
        wandb.putArray("m");
        if (metadataOrNull != null) {
            wandb.putObject("e").set(metadataOrNull.path("writerId").asText(), metadataOrNull);
        }
        return config;
    }

    /** The SDK's {@code config.yaml}: the same tree as YAML, four-space indents, no document marker. */
    static byte[] yaml(ObjectNode config) {
        DumperOptions options = new DumperOptions();
        options.setIndent(4);
        options.setIndicatorIndent(4);
        options.setIndentWithIndicator(true);
        YAMLMapper yaml = new YAMLMapper(YAMLFactory.builder().dumperOptions(options)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS) // "25276063744" stays a string
                .build());
        try {
            return yaml.writeValueAsBytes(config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a W&B config.yaml", e);
        }
    }
}
