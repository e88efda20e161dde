package org.coverlab.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Special tokens and sequence length of a CLIP tokenizer, as read from a diffusers/transformers {@code tokenizer/}
 * folder ({@code tokenizer_config.json}, then {@code special_tokens_map.json}, whose entries win).
 *
 * @param maxLength  padded and truncated length of every encoding (CLIP's text model takes 77 positions)
 * @param bosToken   prepended to every text
 * @param eosToken   appended to every text
 * @param unkToken   stands for a symbol missing from the vocabulary
 * @param padToken   fills positions after EOS; SD1.5 pads with {@code <|endoftext|>}, SD2 with {@code !}
 */
public record ClipTokenizerConfig(int maxLength, String bosToken, String eosToken, String unkToken, String padToken) {

    public static final int CLIP_MAX_LENGTH = 77;
    public static final String START_OF_TEXT = "<|startoftext|>";
    public static final String END_OF_TEXT = "<|endoftext|>";

    /** CLIPTokenizer's defaults, which are also Stable Diffusion 1.x's settings. */
    public static final ClipTokenizerConfig SD15 =
            new ClipTokenizerConfig(CLIP_MAX_LENGTH, START_OF_TEXT, END_OF_TEXT, END_OF_TEXT, END_OF_TEXT);

    public ClipTokenizerConfig {
        if (maxLength < 2) throw new IllegalArgumentException("maxLength must leave room for BOS and EOS, got " + maxLength);
        for (String t : List.of(bosToken, eosToken, unkToken, padToken)) {
            if (t == null || t.isEmpty()) throw new IllegalArgumentException("special tokens must be non-empty");
        }
    }

    /** The distinct special token strings; they are matched verbatim in input text, before any normalisation. */
    public Set<String> specialTokens() {
        return new LinkedHashSet<>(List.of(bosToken, eosToken, unkToken, padToken));
    }

    public ClipTokenizerConfig withMaxLength(int length) {
        return new ClipTokenizerConfig(length, bosToken, eosToken, unkToken, padToken);
    }

    /**
     * Reads the optional JSON files of a tokenizer folder; absent files or keys keep CLIPTokenizer's defaults. A
     * {@code model_max_length} that is absent or absurdly large (transformers' "no limit" 1e30) becomes 77.
     */
    public static ClipTokenizerConfig read(Path folder) {
        ClipTokenizerConfig c = SD15;
        Path config = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) c = apply(c, readJson(config), config, true);
        Path map = folder.resolve("special_tokens_map.json");
        if (Files.isRegularFile(map)) c = apply(c, readJson(map), map, false);
        return c;
    }

    private static ClipTokenizerConfig apply(ClipTokenizerConfig c, JsonNode root, Path file, boolean lengthToo) {
        int maxLength = c.maxLength;
        if (lengthToo && root.hasNonNull("model_max_length")) {
            JsonNode n = root.get("model_max_length");
            if (!n.isNumber() || n.doubleValue() < 2) {
                throw new TokenizerFormatException(file + ": key 'model_max_length' must be a number >= 2, got " + n);
            }
            maxLength = n.doubleValue() > 1_000_000 ? CLIP_MAX_LENGTH : n.intValue();
        }
        return new ClipTokenizerConfig(maxLength,
                token(root, "bos_token", c.bosToken, file), token(root, "eos_token", c.eosToken, file),
                token(root, "unk_token", c.unkToken, file), token(root, "pad_token", c.padToken, file));
    }

    /** A special token is either a string or an AddedToken object whose "content" is the string. */
    private static String token(JsonNode root, String key, String fallback, Path file) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return fallback;
        if (n.isTextual() && !n.textValue().isEmpty()) return n.textValue();
        if (n.isObject() && n.path("content").isTextual() && !n.path("content").textValue().isEmpty()) {
            return n.get("content").textValue();
        }
        throw new TokenizerFormatException(file + ": key '" + key
                + "' must be a non-empty string or an object with a string 'content', got " + n);
    }

    private static JsonNode readJson(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (root == null || !root.isObject()) throw new TokenizerFormatException(file + ": expected a JSON object");
            return root;
        } catch (JsonProcessingException e) {
            throw new TokenizerFormatException(file + ": not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TokenizerFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
