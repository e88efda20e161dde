package org.coverlab.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte-level BPE vocabulary in the CLIP/GPT-2 file format: {@code vocab.json} (token to id) and {@code merges.txt}
 * (a header line, then one "left right" merge per line, in rank order), or the BPE model of a {@code tokenizer.json}.
 * Immutable and thread-safe.
 */
public final class BpeVocabulary {

    /** Word-final suffix of CLIP's BPE: the last symbol of every word carries it. */
    public static final String END_OF_WORD = "</w>";

    private static final int CACHE_LIMIT = 50_000;

    private final Map<String, Integer> encoder;
    private final String[] decoder;
    private final List<Merge> merges;
    private final Map<String, Integer> ranks;
    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

    /** One merge rule: the adjacent symbols {@code left right} become {@code left + right}. */
    public record Merge(String left, String right) {
        public Merge {
            if (left.isEmpty() || right.isEmpty() || left.contains(" ") || right.contains(" ")) {
                throw new IllegalArgumentException("merge symbols must be non-empty and contain no space");
            }
        }

        String key() {
            return left + ' ' + right;
        }
    }

    public BpeVocabulary(Map<String, Integer> vocab, List<Merge> merges) {
        this.encoder = Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.decoder = new String[maxId + 1];
        vocab.forEach((token, id) -> {
            if (id < 0) throw new IllegalArgumentException("negative id " + id + " for token '" + token + "'");
            decoder[id] = token;
        });
        this.merges = List.copyOf(merges);
        Map<String, Integer> r = new HashMap<>();
        // A repeated merge line takes its last rank, as transformers' dict(zip(merges, range(n))) does.
        for (int i = 0; i < this.merges.size(); i++) r.put(this.merges.get(i).key(), i);
        this.ranks = r;
    }

    /** Reads {@code vocab.json} and {@code merges.txt}; errors name the file and line. */
    public static BpeVocabulary read(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab = readVocab(vocabJson);
        return new BpeVocabulary(vocab, readMerges(mergesTxt, vocab));
    }

    static Map<String, Integer> readVocab(Path file) {
        return vocabFrom(readJson(file), file, null);
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new TokenizerFormatException(file + ": not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TokenizerFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** @param key where in the file the mapping is, or null for a whole vocab.json */
    private static Map<String, Integer> vocabFrom(JsonNode root, Path file, String key) {
        String where = key == null ? file.toString() : file + " " + key;
        if (root == null || !root.isObject()) {
            throw new TokenizerFormatException(where + ": expected a JSON object mapping token to id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().intValue() < 0) {
                throw new TokenizerFormatException(where + ": token '" + e.getKey()
                        + "' must map to a non-negative integer id, got " + e.getValue());
            }
            vocab.put(e.getKey(), e.getValue().intValue());
        }
        if (vocab.isEmpty()) throw new TokenizerFormatException(where + ": the vocabulary is empty");
        return vocab;
    }

    /**
     * Like the tokenizers library that transformers' CLIPTokenizer loads merges.txt with: lines starting with
     * "#version" are headers, every other line is exactly "left right"; trailing blank lines are ignored.
     */
    static List<Merge> readMerges(Path file, Map<String, Integer> vocab) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TokenizerFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String[] lines = text.stripTrailing().split("\r?\n", -1);
        List<Merge> merges = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("#version") || (lines.length == 1 && lines[i].isEmpty())) continue;
            merges.add(merge(lines[i].split(" ", -1), lines[i], vocab, file + " line " + (i + 1), "vocab.json"));
        }
        return merges;
    }

    /**
     * Reads the BPE model of a tokenizers-library {@code tokenizer.json}, the only vocabulary file transformers 5
     * writes: {@code model.vocab}, {@code model.merges} (as "left right" strings or [left, right] pairs, both of
     * which the library reads), and the {@code added_tokens}, which must agree with the vocabulary. Only CLIP's BPE
     * flavour is accepted: type BPE with the {@code </w>} end-of-word suffix and no subword prefix.
     */
    public static BpeVocabulary readTokenizerJson(Path file) {
        JsonNode root = readJson(file);
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new TokenizerFormatException(file + ": missing object 'model' (the tokenizer's BPE model)");
        }
        if (!"BPE".equals(model.path("type").asText(null))) {
            throw new TokenizerFormatException(file + ": model.type is " + model.get("type")
                    + ", expected \"BPE\" (a CLIP tokenizer)");
        }
        if (!END_OF_WORD.equals(model.path("end_of_word_suffix").asText(null))) {
            throw new TokenizerFormatException(file + ": model.end_of_word_suffix is " + model.get("end_of_word_suffix")
                    + ", expected \"" + END_OF_WORD + "\" (CLIP's BPE)");
        }
        JsonNode prefix = model.get("continuing_subword_prefix");
        if (prefix != null && !prefix.isNull() && !prefix.asText().isEmpty()) {
            throw new TokenizerFormatException(file + ": model.continuing_subword_prefix is " + prefix
                    + ", expected \"\" or null (CLIP's BPE has none)");
        }
        Map<String, Integer> vocab = vocabFrom(model.get("vocab"), file, "model.vocab");
        JsonNode added = root.path("added_tokens");
        for (JsonNode t : added.isArray() ? added : List.<JsonNode>of()) {
            String content = t.path("content").asText(null);
            if (content == null || !t.path("id").isIntegralNumber()) {
                throw new TokenizerFormatException(file + ": added_tokens entry " + t + " needs a string 'content' and an"
                        + " integer 'id'");
            }
            Integer id = vocab.putIfAbsent(content, t.get("id").intValue());
            if (id != null && id != t.get("id").intValue()) {
                throw new TokenizerFormatException(file + ": added token '" + content + "' has id " + t.get("id")
                        + " but model.vocab gives it " + id);
            }
        }
        JsonNode mergesNode = model.get("merges");
        if (mergesNode == null || !mergesNode.isArray()) {
            throw new TokenizerFormatException(file + ": model.merges must be a list, got " + mergesNode);
        }
        List<Merge> merges = new ArrayList<>();
        for (int i = 0; i < mergesNode.size(); i++) {
            JsonNode m = mergesNode.get(i);
            String[] parts;
            if (m.isTextual()) {
                parts = m.textValue().split(" ", -1);
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                parts = new String[] {m.get(0).textValue(), m.get(1).textValue()};
            } else {
                parts = new String[0];
            }
            merges.add(merge(parts, m.toString(), vocab, file + " model.merges[" + i + "]", "model.vocab"));
        }
        return new BpeVocabulary(vocab, merges);
    }

    /** One merge rule, checked as the tokenizers library checks it: two symbols, each and their join in the vocab. */
    private static Merge merge(String[] parts, String shown, Map<String, Integer> vocab, String where, String vocabName) {
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new TokenizerFormatException(where + ": expected two symbols separated by one space, got '" + shown + "'");
        }
        for (String token : List.of(parts[0], parts[1], parts[0] + parts[1])) {
            if (!vocab.containsKey(token)) {
                throw new TokenizerFormatException(where + ": merge '" + parts[0] + " " + parts[1] + "' uses or makes '"
                        + token + "', which is not in " + vocabName);
            }
        }
        return new Merge(parts[0], parts[1]);
    }

    /** Token to id. */
    public Map<String, Integer> vocab() {
        return encoder;
    }

    /** Merge rules in rank order (rank 0 first). */
    public List<Merge> merges() {
        return merges;
    }

    public int size() {
        return encoder.size();
    }

    /** The id of {@code token}, or -1. */
    public int idOf(String token) {
        return encoder.getOrDefault(token, -1);
    }

    /** The token with id {@code id}, or null. */
    public String tokenOf(int id) {
        return id >= 0 && id < decoder.length ? decoder[id] : null;
    }

    /**
     * BPE of one pre-token already in the byte alphabet: its characters with {@code </w>} on the last, merged
     * greedily by lowest rank (every occurrence of the best pair, left to right) until no known pair remains.
     */
    public List<String> bpe(String word) {
        List<String> cached = cache.get(word);
        if (cached != null) return cached;
        List<String> symbols = new ArrayList<>(word.length());
        for (int i = 0; i < word.length() - 1; i++) symbols.add(String.valueOf(word.charAt(i)));
        symbols.add(word.charAt(word.length() - 1) + END_OF_WORD);
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestLeft = null;
            String bestRight = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = ranks.get(symbols.get(i) + ' ' + symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestLeft = symbols.get(i);
                    bestRight = symbols.get(i + 1);
                }
            }
            if (bestLeft == null) break;
            symbols = applyMerge(symbols, bestLeft, bestRight);
        }
        List<String> result = List.copyOf(symbols);
        if (cache.size() > CACHE_LIMIT) cache.clear();
        cache.put(word, result);
        return result;
    }

    /** Replaces every non-overlapping occurrence of the adjacent pair, scanning left to right. */
    static List<String> applyMerge(List<String> symbols, String left, String right) {
        List<String> out = new ArrayList<>(symbols.size());
        int i = 0;
        while (i < symbols.size()) {
            if (i + 1 < symbols.size() && symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                out.add(left + right);
                i += 2;
            } else {
                out.add(symbols.get(i));
                i++;
            }
        }
        return out;
    }
}
