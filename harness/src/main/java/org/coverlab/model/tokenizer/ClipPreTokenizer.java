package org.coverlab.model.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits normalised text into the words BPE sees. First CLIP's pattern
 * {@code <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+} (whitespace
 * is dropped), then, inside each match, the byte-level pre-tokenizer's GPT-2 pattern
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+}, which for example splits a literal
 * {@code <|endoftext|>} typed in upper case into {@code <|}, {@code endoftext}, {@code |>}. Both are written as
 * scanners over code points so the character classes are the reference's (see {@link UnicodeClasses}).
 */
public final class ClipPreTokenizer {

    private static final String[] LITERALS = {ClipTokenizerConfig.START_OF_TEXT, ClipTokenizerConfig.END_OF_TEXT};
    private static final String[] CONTRACTIONS = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

    private ClipPreTokenizer() {
    }

    /** Words of already normalised text, in order. */
    public static List<String> split(String normalized) {
        List<String> words = new ArrayList<>();
        for (String piece : clipPieces(normalized)) words.addAll(gpt2Pieces(piece));
        return words;
    }

    static List<String> clipPieces(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int end = matchAt(s, i, LITERALS);
            if (end < 0) end = matchAt(s, i, CONTRACTIONS);
            if (end < 0) {
                int cp = s.codePointAt(i);
                UnicodeClasses.Kind kind = UnicodeClasses.kindOf(cp);
                if (kind == UnicodeClasses.Kind.SPACE) {
                    i += Character.charCount(cp);
                    continue;
                }
                end = kind == UnicodeClasses.Kind.NUMBER ? i + Character.charCount(cp) : runEnd(s, i, kind);
            }
            out.add(s.substring(i, end));
            i = end;
        }
        return out;
    }

    static List<String> gpt2Pieces(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int end = matchAt(s, i, CONTRACTIONS);
            if (end < 0) {
                int cp = s.codePointAt(i);
                UnicodeClasses.Kind kind = UnicodeClasses.kindOf(cp);
                if (kind == UnicodeClasses.Kind.SPACE) { // never inside a CLIP piece; kept for completeness
                    i += Character.charCount(cp);
                    continue;
                }
                end = runEnd(s, i, kind);
            }
            out.add(s.substring(i, end));
            i = end;
        }
        return out;
    }

    /** End of the first alternative matching at {@code i} (alternation order, as a regex engine tries), or -1. */
    private static int matchAt(String s, int i, String[] alternatives) {
        for (String a : alternatives) {
            if (s.startsWith(a, i)) return i + a.length();
        }
        return -1;
    }

    private static int runEnd(String s, int i, UnicodeClasses.Kind kind) {
        int j = i;
        while (j < s.length()) {
            int cp = s.codePointAt(j);
            if (UnicodeClasses.kindOf(cp) != kind) break;
            j += Character.charCount(cp);
        }
        return j;
    }
}
