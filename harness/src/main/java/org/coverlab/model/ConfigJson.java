package org.coverlab.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validating reads of a diffusers / transformers config.json. Missing keys take diffusers' defaults;
 * wrong types and unsupported values fail with the file and key in the message.
 */
public final class ConfigJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final ObjectNode node;

    public ConfigJson(Path file, ObjectNode node) {
        this.file = file;
        this.node = node;
    }

    public static ConfigJson read(Path file) {
        try {
            JsonNode n = MAPPER.readTree(Files.readString(file));
            if (n == null || !n.isObject()) {
                throw new ModelConfigException(file, "expected a JSON object");
            }
            return new ConfigJson(file, (ObjectNode) n);
        } catch (NoSuchFileException e) {
            throw new ModelConfigException(file, "file does not exist");
        } catch (JsonProcessingException e) {
            throw new ModelConfigException(file, "invalid JSON at line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelConfigException(file, "cannot read: " + e.getMessage());
        }
    }

    public Path file() {
        return file;
    }

    /** The raw JSON, kept so saving writes back every key, including ones this code does not interpret. */
    public ObjectNode json() {
        return node.deepCopy();
    }

    private JsonNode value(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** True when the key is present with the value null, which diffusers passes on as None (not the default). */
    public boolean isExplicitNull(String key) {
        JsonNode v = node.get(key);
        return v != null && v.isNull();
    }

    public boolean has(String key) {
        return value(key) != null;
    }

    public int integer(String key, Integer fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return required(key, fallback, "an integer");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw bad(key, "an integer", v);
        }
        return v.intValue();
    }

    public double real(String key, Double fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return required(key, fallback, "a number");
        }
        if (!v.isNumber()) {
            throw bad(key, "a number", v);
        }
        return v.doubleValue();
    }

    public boolean bool(String key, Boolean fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return required(key, fallback, "true or false");
        }
        if (!v.isBoolean()) {
            throw bad(key, "true or false", v);
        }
        return v.booleanValue();
    }

    public String string(String key, String fallback) {
        JsonNode v = value(key);
        if (v == null) {
            return required(key, fallback, "a string");
        }
        if (!v.isTextual()) {
            throw bad(key, "a string", v);
        }
        return v.textValue();
    }

    public List<String> strings(String key) {
        JsonNode v = value(key);
        if (v == null || !v.isArray()) {
            throw v == null ? missing(key, "a list of strings") : bad(key, "a list of strings", v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw bad(key, "a list of strings", v);
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** An int per block, written either as one int for all blocks or as a list (diffusers accepts both). */
    public int[] intPerBlock(String key, int blocks, Integer fallback) {
        JsonNode v = value(key);
        int[] out = new int[blocks];
        if (v == null || v.isIntegralNumber()) {
            java.util.Arrays.fill(out, integer(key, fallback));
            return out;
        }
        if (!v.isArray() || v.size() != blocks) {
            throw bad(key, "an integer or a list of " + blocks + " integers (one per block)", v);
        }
        for (int i = 0; i < blocks; i++) {
            if (!v.get(i).isIntegralNumber()) {
                throw bad(key, "a list of integers", v);
            }
            out[i] = v.get(i).intValue();
        }
        return out;
    }

    public int[] ints(String key) {
        JsonNode v = value(key);
        if (v == null || !v.isArray()) {
            throw v == null ? missing(key, "a list of integers") : bad(key, "a list of integers", v);
        }
        return intPerBlock(key, v.size(), null);
    }

    /** Fails unless the key is absent, null, or one of the values this implementation supports. */
    public void requireOneOf(String key, Object... supported) {
        JsonNode v = value(key);
        if (v == null) {
            return;
        }
        for (Object s : supported) {
            if (s instanceof String str && v.isTextual() && v.textValue().equals(str)
                    || s instanceof Boolean b && v.isBoolean() && v.booleanValue() == b
                    || s instanceof Number num && v.isNumber() && v.doubleValue() == num.doubleValue()) {
                return;
            }
        }
        throw new ModelConfigException(file, "'" + key + "' = " + v + " is not supported (supported: "
                + (supported.length == 0 ? "null" : java.util.Arrays.toString(supported) + " or null") + ")");
    }

    private <T> T required(String key, T fallback, String what) {
        if (fallback == null) {
            throw missing(key, what);
        }
        return fallback;
    }

    private ModelConfigException missing(String key, String what) {
        return new ModelConfigException(file, "missing key '" + key + "' (expected " + what + ")");
    }

    private ModelConfigException bad(String key, String what, JsonNode v) {
        return new ModelConfigException(file, "'" + key + "' should be " + what + ", got " + v);
    }
}
