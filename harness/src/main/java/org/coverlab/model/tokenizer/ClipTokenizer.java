package org.coverlab.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CLIP's byte-level BPE tokenizer, numerically the same as transformers' {@code CLIPTokenizer} (tokenizers backend,
 * which diffusers' Stable Diffusion pipelines use): special tokens typed in the text are matched verbatim first, the
 * rest is normalised ({@link ClipNormalizer}), split into words ({@link ClipPreTokenizer}), mapped to the byte
 * alphabet ({@link ByteUnicode}) and merged by BPE with a {@code </w>} end-of-word suffix. Encodings are BOS, at
 * most {@code maxLength - 2} tokens, EOS, then padding. Immutable and thread-safe.
 */
public final class ClipTokenizer {

    /** The tokenizers library's single-file format, which transformers 5 writes instead of vocab.json/merges.txt. */
    public static final String TOKENIZER_JSON = "tokenizer.json";

    private final BpeVocabulary vocabulary;
    private final ClipTokenizerConfig config;
    private final List<String> specialTokens;
    private final Set<Integer> specialIds;
    private final int bosId;
    private final int eosId;
    private final int unkId;
    private final int padId;

    public ClipTokenizer(BpeVocabulary vocabulary, ClipTokenizerConfig config) {
        this.vocabulary = vocabulary;
        this.config = config;
        this.bosId = requireId(vocabulary, config.bosToken(), "bos_token");
        this.eosId = requireId(vocabulary, config.eosToken(), "eos_token");
        this.unkId = requireId(vocabulary, config.unkToken(), "unk_token");
        this.padId = requireId(vocabulary, config.padToken(), "pad_token");
        // Longest first, so that of two special tokens starting at one place the longer wins (as a trie does).
        List<String> specials = new ArrayList<>(config.specialTokens());
        specials.sort((a, b) -> Integer.compare(b.length(), a.length()));
        this.specialTokens = List.copyOf(specials);
        this.specialIds = Set.copyOf(new HashSet<>(List.of(bosId, eosId, unkId, padId)));
    }

    /**
     * Loads a diffusers/transformers {@code tokenizer/} folder: the BPE model from {@code tokenizer.json} when there
     * is one (what transformers 5 writes, and what it reads first when both are present), else from
     * {@code vocab.json} and {@code merges.txt} (the SD1.5 layout); {@code tokenizer_config.json} and
     * {@code special_tokens_map.json} (optional) give the special tokens and the length.
     */
    public static ClipTokenizer load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new TokenizerFormatException(folder + ": tokenizer folder not found (expected tokenizer.json, or "
                    + "vocab.json and merges.txt)");
        }
        Path tokenizerJson = folder.resolve(TOKENIZER_JSON);
        Path vocabFile;
        BpeVocabulary vocabulary;
        if (Files.isRegularFile(tokenizerJson)) {
            vocabFile = tokenizerJson;
            vocabulary = BpeVocabulary.readTokenizerJson(tokenizerJson);
        } else {
            Path vocab = folder.resolve("vocab.json");
            Path merges = folder.resolve("merges.txt");
            for (Path p : List.of(vocab, merges)) {
                if (!Files.isRegularFile(p)) {
                    throw new TokenizerFormatException(p + ": missing; a CLIP tokenizer folder needs tokenizer.json, or "
                            + "vocab.json and merges.txt");
                }
            }
            vocabFile = vocab;
            vocabulary = BpeVocabulary.read(vocab, merges);
        }
        ClipTokenizerConfig config = ClipTokenizerConfig.read(folder);
        try {
            return new ClipTokenizer(vocabulary, config);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(vocabFile + ": " + e.getMessage());
        }
    }

    private static int requireId(BpeVocabulary vocabulary, String token, String key) {
        int id = vocabulary.idOf(token);
        if (id < 0) throw new IllegalArgumentException(key + " '" + token + "' is not in the vocabulary");
        return id;
    }

    public ClipTokenizerConfig config() {
        return config;
    }

    public BpeVocabulary vocabulary() {
        return vocabulary;
    }

    public int maxLength() {
        return config.maxLength();
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    public int unkId() {
        return unkId;
    }

    /** Number of ids, i.e. the text model's embedding rows needed. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** BPE tokens of {@code text}, without BOS/EOS, untruncated. */
    public List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        for (Segment segment : splitOnSpecialTokens(text)) {
            if (segment.special()) {
                tokens.add(segment.text());
                continue;
            }
            for (String word : ClipPreTokenizer.split(ClipNormalizer.normalize(segment.text()))) {
                tokens.addAll(vocabulary.bpe(ByteUnicode.encode(word)));
            }
        }
        return tokens;
    }

    /** Token ids of {@code text}, without BOS/EOS, untruncated; symbols missing from the vocabulary become unk. */
    public int[] tokenIds(String text) {
        List<String> tokens = tokenize(text);
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            int id = vocabulary.idOf(tokens.get(i));
            ids[i] = id >= 0 ? id : unkId;
        }
        return ids;
    }

    /** BOS, the first {@code maxLength - 2} tokens, EOS, padding to {@code maxLength}; mask 1 up to EOS. */
    public Encoding encode(String text) {
        int[] tokens = tokenIds(text);
        int max = config.maxLength();
        int kept = Math.min(tokens.length, max - 2);
        int[] ids = new int[max];
        int[] mask = new int[max];
        Arrays.fill(ids, padId);
        ids[0] = bosId;
        System.arraycopy(tokens, 0, ids, 1, kept);
        ids[kept + 1] = eosId;
        Arrays.fill(mask, 0, kept + 2, 1);
        return new Encoding(ids, mask, kept < tokens.length);
    }

    public BatchEncoding encodeBatch(List<String> texts) {
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String t : texts) out.add(encode(t));
        return new BatchEncoding(out, config.maxLength());
    }

    /** Text of {@code ids} with special tokens (BOS, EOS, padding) left out. */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /**
     * Joins the tokens, maps the byte alphabet back to UTF-8 (broken sequences become U+FFFD), turns each
     * {@code </w>} into a space and strips the ends, as CLIPTokenizer.decode(clean_up_tokenization_spaces=False).
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder symbols = new StringBuilder();
        for (int id : ids) {
            if (skipSpecialTokens && specialIds.contains(id)) continue;
            String token = vocabulary.tokenOf(id);
            if (token == null) continue;
            symbols.append(token);
        }
        byte[] bytes = symbolsToBytes(symbols);
        String text = new String(bytes, StandardCharsets.UTF_8);
        return pythonStrip(text.replace(BpeVocabulary.END_OF_WORD, " "));
    }

    /** Byte-alphabet characters to their byte; any other character (e.g. in "</w>") to its own UTF-8 bytes. */
    private static byte[] symbolsToBytes(CharSequence symbols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(symbols.length());
        String s = symbols.toString();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int b = cp < 0x10000 ? ByteUnicode.byteOf((char) cp) : -1;
            if (b >= 0) {
                out.write(b);
            } else {
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
        return out.toByteArray();
    }

    private static String pythonStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (Character.isWhitespace(s.charAt(start)) || isOtherSpace(s.charAt(start)))) start++;
        while (end > start && (Character.isWhitespace(s.charAt(end - 1)) || isOtherSpace(s.charAt(end - 1)))) end--;
        return s.substring(start, end);
    }

    private static boolean isOtherSpace(char c) {
        return Character.isSpaceChar(c) || c == 0x85;
    }

    private record Segment(String text, boolean special) {
    }

    /** Cuts the raw text at every verbatim special token (earliest start, longest token), before normalisation. */
    private List<Segment> splitOnSpecialTokens(String text) {
        List<Segment> out = new ArrayList<>();
        int from = 0;
        int i = 0;
        while (i < text.length()) {
            String hit = null;
            for (String special : specialTokens) {
                if (text.startsWith(special, i)) {
                    hit = special;
                    break;
                }
            }
            if (hit == null) {
                i++;
                continue;
            }
            if (i > from) out.add(new Segment(text.substring(from, i), false));
            out.add(new Segment(hit, true));
            i += hit.length();
            from = i;
        }
        if (from < text.length()) out.add(new Segment(text.substring(from), false));
        return out;
    }
}
