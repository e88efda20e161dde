package org.coverlab.model.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a CLIP-format byte-level BPE vocabulary from captions, so a small model gets a vocabulary of its own. Words
 * are cut exactly as {@link ClipTokenizer} cuts them (normalise, pre-tokenize, byte alphabet, {@code </w>} on the
 * last symbol); then the most frequent adjacent pair is merged, repeatedly, until the vocabulary has the requested
 * size or no pair occurs {@code minPairFrequency} times. Ties go to the lexicographically smallest pair, so the
 * result depends only on the captions (and not on their order). The vocabulary is laid out like CLIP's: 256 byte
 * symbols, the same with {@code </w>}, one token per merge, then {@code <|startoftext|>} and {@code <|endoftext|>}.
 */
public final class BpeTrainer {

    /** Byte symbols, their word-final forms and the two special tokens. */
    public static final int BASE_VOCAB_SIZE = 256 * 2 + 2;

    private final int vocabSize;
    private final int minPairFrequency;

    /**
     * @param vocabSize        target vocabulary size including the 514 base entries (e.g. 1000 to 49408)
     * @param minPairFrequency a pair must occur at least this often (counting word frequency) to be merged
     */
    public BpeTrainer(int vocabSize, int minPairFrequency) {
        if (vocabSize < BASE_VOCAB_SIZE) {
            throw new IllegalArgumentException("vocabulary size must be at least " + BASE_VOCAB_SIZE
                    + " (bytes, word-final bytes, 2 special tokens), got " + vocabSize);
        }
        if (minPairFrequency < 1) throw new IllegalArgumentException("minimum pair frequency must be >= 1");
        this.vocabSize = vocabSize;
        this.minPairFrequency = minPairFrequency;
    }

    private record Pair(String left, String right) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            int c = left.compareTo(o.left);
            return c != 0 ? c : right.compareTo(o.right);
        }
    }

    /** A pair's count when it was queued; stale entries are skipped when popped. */
    private record Candidate(Pair pair, long count) {
    }

    public TrainedVocabulary train(Iterable<String> captions) {
        return train(captions, () -> { });
    }

    /** As {@link #train(Iterable)}; {@code betweenMerges} runs before each merge and may throw to stop. */
    public TrainedVocabulary train(Iterable<String> captions, Runnable betweenMerges) {
        Map<String, Long> wordCounts = new HashMap<>();
        for (String caption : captions) {
            for (String word : ClipPreTokenizer.split(ClipNormalizer.normalize(caption))) {
                wordCounts.merge(ByteUnicode.encode(word), 1L, Long::sum);
            }
        }
        List<List<String>> words = new ArrayList<>();
        List<Long> freq = new ArrayList<>();
        wordCounts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String w = e.getKey();
            List<String> symbols = new ArrayList<>(w.length());
            for (int i = 0; i < w.length() - 1; i++) symbols.add(String.valueOf(w.charAt(i)));
            symbols.add(w.charAt(w.length() - 1) + BpeVocabulary.END_OF_WORD);
            words.add(symbols);
            freq.add(e.getValue());
        });

        Map<Pair, Long> pairCounts = new HashMap<>();
        Map<Pair, Set<Integer>> wordsWithPair = new HashMap<>();
        for (int w = 0; w < words.size(); w++) addPairs(w, words.get(w), freq.get(w), pairCounts, wordsWithPair);
        PriorityQueue<Candidate> queue = new PriorityQueue<>((a, b) -> a.count != b.count
                ? Long.compare(b.count, a.count) : a.pair.compareTo(b.pair));
        pairCounts.forEach((p, c) -> queue.add(new Candidate(p, c)));

        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (char c : ByteUnicode.alphabet()) vocab.put(String.valueOf(c), vocab.size());
        for (char c : ByteUnicode.alphabet()) vocab.put(c + BpeVocabulary.END_OF_WORD, vocab.size());
        List<BpeVocabulary.Merge> merges = new ArrayList<>();
        while (vocab.size() + 2 < vocabSize && !queue.isEmpty()) {
            betweenMerges.run();
            Candidate best = queue.poll();
            long current = pairCounts.getOrDefault(best.pair, 0L);
            if (current != best.count || current == 0) continue; // stale entry
            if (current < minPairFrequency) break;
            Pair pair = best.pair;
            merges.add(new BpeVocabulary.Merge(pair.left, pair.right));
            vocab.putIfAbsent(pair.left + pair.right, vocab.size());
            Set<Pair> touched = new HashSet<>();
            for (int w : List.copyOf(wordsWithPair.getOrDefault(pair, Set.of()))) {
                List<String> before = words.get(w);
                removePairs(w, before, freq.get(w), pairCounts, wordsWithPair, touched);
                List<String> after = BpeVocabulary.applyMerge(before, pair.left, pair.right);
                words.set(w, after);
                addPairs(w, after, freq.get(w), pairCounts, wordsWithPair);
                collectPairs(after, touched);
            }
            for (Pair p : touched) {
                Long c = pairCounts.get(p);
                if (c != null && c > 0) queue.add(new Candidate(p, c));
            }
        }
        vocab.put(ClipTokenizerConfig.START_OF_TEXT, vocab.size());
        vocab.put(ClipTokenizerConfig.END_OF_TEXT, vocab.size());
        return new TrainedVocabulary(new BpeVocabulary(vocab, merges), ClipTokenizerConfig.SD15);
    }

    private static void collectPairs(List<String> symbols, Set<Pair> into) {
        for (int i = 0; i + 1 < symbols.size(); i++) into.add(new Pair(symbols.get(i), symbols.get(i + 1)));
    }

    private static void addPairs(int word, List<String> symbols, long count, Map<Pair, Long> counts,
                                 Map<Pair, Set<Integer>> index) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
            Pair p = new Pair(symbols.get(i), symbols.get(i + 1));
            counts.merge(p, count, Long::sum);
            index.computeIfAbsent(p, k -> new HashSet<>()).add(word);
        }
    }

    private static void removePairs(int word, List<String> symbols, long count, Map<Pair, Long> counts,
                                    Map<Pair, Set<Integer>> index, Set<Pair> touched) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
            Pair p = new Pair(symbols.get(i), symbols.get(i + 1));
            touched.add(p);
            long left = counts.merge(p, -count, Long::sum);
            if (left <= 0) counts.remove(p);
            Set<Integer> ws = index.get(p);
            if (ws != null) {
                ws.remove(word);
                if (ws.isEmpty()) index.remove(p);
            }
        }
    }
}
