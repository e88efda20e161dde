package org.coverlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a resolved spec.yaml into the flat {@code section.key -> value} config that trackers record. */
final class SpecFlattener {

    private SpecFlattener() {}

    static Map<String, Object> flatten(Path specYaml) throws IOException {
        JsonNode root = new YAMLMapper().readTree(specYaml.toFile());
        Map<String, Object> out = new LinkedHashMap<>();
        if (root != null) {
            walk("", root, out);
        }
        return out;
    }

    private static void walk(String prefix, JsonNode node, Map<String, Object> out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                walk(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            List<Object> values = new ArrayList<>();
            node.forEach(n -> values.add(scalar(n)));
            out.put(prefix, values);
        } else {
            out.put(prefix, scalar(node));
        }
    }

    private static Object scalar(JsonNode n) {
        if (n.isNull()) {
            return null;
        } else if (n.isIntegralNumber()) {
            return n.longValue();
        } else if (n.isNumber()) {
            return n.doubleValue();
        } else if (n.isBoolean()) {
            return n.booleanValue();
        } else if (n.isValueNode()) {
            return n.asText();
        }
        return n.toString();
    }
}
