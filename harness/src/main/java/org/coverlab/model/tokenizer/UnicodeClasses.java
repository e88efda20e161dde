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
 * The character classes and lower-casing CLIP's tokenizer sees. The reference (HuggingFace tokenizers, Rust and
 * Oniguruma) follows a newer Unicode than Java 17; {@code unicode-overrides.tsv}, generated from the reference, lists
 * the code points where they disagree, so results do not depend on the JVM's Unicode version.
 */
final class UnicodeClasses {

    enum Kind { SPACE, LETTER, NUMBER, OTHER }

    private static final BitSet LETTER_OVERRIDE = new BitSet();
    private static final BitSet NUMBER_OVERRIDE = new BitSet();
    private static final BitSet NOT_LETTER_OVERRIDE = new BitSet();
    private static final BitSet NOT_NUMBER_OVERRIDE = new BitSet();
    private static final Map<Integer, String> LOWER_OVERRIDE = new HashMap<>();

    static {
        try (InputStream in = UnicodeClasses.class.getResourceAsStream("unicode-overrides.tsv")) {
            if (in != null) load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read unicode-overrides.tsv from the classpath", e);
        }
        LOWER_OVERRIDE.putIfAbsent(0x130, "i\u0307"); // the one unconditional multi-character lower-case mapping
    }

    private UnicodeClasses() {
    }

    /** Lines: "L first last", "!L first last", "N ...", "!N ...", "lower cp hex hex..." (hex code points). */
    private static void load(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] p = line.trim().split("\\s+");
            switch (p[0]) {
                case "L" -> LETTER_OVERRIDE.set(hex(p[1]), hex(p[2]) + 1);
                case "N" -> NUMBER_OVERRIDE.set(hex(p[1]), hex(p[2]) + 1);
                case "!L" -> NOT_LETTER_OVERRIDE.set(hex(p[1]), hex(p[2]) + 1);
                case "!N" -> NOT_NUMBER_OVERRIDE.set(hex(p[1]), hex(p[2]) + 1);
                case "lower" -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 2; i < p.length; i++) sb.appendCodePoint(hex(p[i]));
                    LOWER_OVERRIDE.put(hex(p[1]), sb.toString());
                }
                default -> throw new IllegalStateException("unicode-overrides.tsv: unknown line '" + line + "'");
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
        if (LETTER_OVERRIDE.get(cp)) return true;
        if (NOT_LETTER_OVERRIDE.get(cp)) return false;
        return Character.isLetter(cp);
    }

    static boolean isNumber(int cp) {
        if (NUMBER_OVERRIDE.get(cp)) return true;
        if (NOT_NUMBER_OVERRIDE.get(cp)) return false;
        return switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    static Kind kindOf(int cp) {
        if (isSpace(cp)) return Kind.SPACE;
        if (isLetter(cp)) return Kind.LETTER;
        if (isNumber(cp)) return Kind.NUMBER;
        return Kind.OTHER;
    }

    /** Full lower-case mapping of one code point, without context (no final-sigma rule), as Rust's char does. */
    static void appendLower(StringBuilder out, int cp) {
        String special = LOWER_OVERRIDE.get(cp);
        if (special != null) {
            out.append(special);
        } else {
            out.appendCodePoint(Character.toLowerCase(cp));
        }
    }
}
