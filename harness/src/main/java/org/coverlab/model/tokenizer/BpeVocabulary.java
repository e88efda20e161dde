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
 * (a header line, then one "left right" merge per line, in rank order). Immutable and thread-safe.
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
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new TokenizerFormatException(file + ": not valid JSON (line " + e.getLocation().getLineNr() + "): "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TokenizerFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new TokenizerFormatException(file + ": expected a JSON object mapping token to id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().intValue() < 0) {
                throw new TokenizerFormatException(file + ": token '" + e.getKey()
                        + "' must map to a non-negative integer id, got " + e.getValue());
            }
            vocab.put(e.getKey(), e.getValue().intValue());
        }
        if (vocab.isEmpty()) throw new TokenizerFormatException(file + ": the vocabulary is empty");
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
            String[] parts = lines[i].split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new TokenizerFormatException(file + " line " + (i + 1)
                        + ": expected two symbols separated by one space, got '" + lines[i] + "'");
            }
            for (String token : List.of(parts[0], parts[1], parts[0] + parts[1])) {
                if (!vocab.containsKey(token)) {
                    throw new TokenizerFormatException(file + " line " + (i + 1) + ": merge '" + lines[i]
                            + "' uses or makes '" + token + "', which is not in vocab.json");
                }
            }
            merges.add(new Merge(parts[0], parts[1]));
        }
        return merges;
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
