package org.coverlab.model.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The character classes and lower-casing CLIP's tokenizer sees. The reference (HuggingFace tokenizers: Oniguruma
 * regexes, Rust lower-casing) follows a newer Unicode than Java 17, so the letter and number classes and the
 * lower-case mappings come from {@code unicode-classes.tsv}, generated from the reference by
 * scripts/refvectors/tokenizer_schedulers.py; results then do not depend on the JVM's Unicode version.
 */
final class UnicodeClasses {

    enum Kind { SPACE, LETTER, NUMBER, OTHER }

    private static final String TABLE = "unicode-classes.tsv";
    private static final BitSet LETTERS = new BitSet(0x110000);
    private static final BitSet NUMBERS = new BitSet(0x110000);
    private static final Map<Integer, String> LOWER = new HashMap<>();

    static {
        try (InputStream in = UnicodeClasses.class.getResourceAsStream(TABLE)) {
            if (in == null) throw new IllegalStateException(TABLE + " is missing from the classpath");
            load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE + " from the classpath", e);
        }
    }

    private UnicodeClasses() {
    }

    /** Lines: "L first last" and "N first last" (hex ranges), "lower cp hex..." (hex code points). */
    private static void load(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] p = line.trim().split(" ");
            switch (p[0]) {
                case "L" -> LETTERS.set(hex(p[1]), hex(p[2]) + 1);
                case "N" -> NUMBERS.set(hex(p[1]), hex(p[2]) + 1);
                case "lower" -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 2; i < p.length; i++) sb.appendCodePoint(hex(p[i]));
                    LOWER.put(hex(p[1]), sb.toString());
                }
                default -> throw new IllegalStateException(TABLE + ": unknown line '" + line + "'");
            }
        }
    }

    private static int hex(String s) {
        return Integer.parseInt(s, 16);
    }

    /** Unicode White_Space, which is what Oniguruma's \s matches. */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    static boolean isLetter(int cp) {
        return LETTERS.get(cp);
    }

    static boolean isNumber(int cp) {
        return NUMBERS.get(cp);
    }

    static Kind kindOf(int cp) {
        if (isSpace(cp)) return Kind.SPACE;
        if (LETTERS.get(cp)) return Kind.LETTER;
        if (NUMBERS.get(cp)) return Kind.NUMBER;
        return Kind.OTHER;
    }

    /** Full lower-case mapping of one code point, without context (no final-sigma rule), as Rust's char does. */
    static void appendLower(StringBuilder out, int cp) {
        String mapped = LOWER.get(cp);
        if (mapped != null) {
            out.append(mapped);
        } else {
            out.appendCodePoint(cp);
        }
    }
}
