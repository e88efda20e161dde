package org.coverlab.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2/CLIP byte-level alphabet: every byte maps to one printable character so that BPE never sees whitespace or
 * control bytes. Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100 onwards, in byte order.
 */
public final class ByteUnicode {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int next = 256;
        for (int b = 0; b < 256; b++) {
            BYTE_TO_CHAR[b] = printable[b] ? (char) b : (char) next++;
        }
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }

    private ByteUnicode() {
    }

    /**
     * The 256 stand-in characters in CLIP's vocabulary order: the printable bytes ('!'..'~', '¡'..'¬', '®'..'ÿ')
     * first, then the remapped ones, so that "!" has id 0 as in CLIP's vocab.json.
     */
    public static char[] alphabet() {
        char[] out = new char[256];
        int k = 0;
        for (int b = 0; b < 256; b++) if (BYTE_TO_CHAR[b] == b) out[k++] = (char) b;
        for (int b = 0; b < 256; b++) if (BYTE_TO_CHAR[b] != b) out[k++] = BYTE_TO_CHAR[b];
        return out;
    }

    /** The character standing for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** UTF-8 bytes of {@code text}, each replaced by its stand-in character. */
    public static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /**
     * Inverse of {@link #encode}: stand-in characters back to bytes, decoded as UTF-8 with U+FFFD for broken
     * sequences (as Python's {@code errors="replace"}). Characters outside the alphabet are dropped.
     */
    public static String decode(CharSequence symbols) {
        byte[] bytes = new byte[symbols.length()];
        int n = 0;
        for (int i = 0; i < symbols.length(); i++) {
            char c = symbols.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b >= 0) bytes[n++] = (byte) b;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not in the byte alphabet. */
    public static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** Whether {@code c} is one of the 256 stand-in characters. */
    public static boolean isByteChar(char c) {
        return c < CHAR_TO_BYTE.length && CHAR_TO_BYTE[c] >= 0;
    }
}
