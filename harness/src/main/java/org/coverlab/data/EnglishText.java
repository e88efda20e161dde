package org.coverlab.data;

/**
 * The original's language filter: the share of characters that belong to English text. Counted as English: ASCII
 * letters, digits, whitespace and ASCII punctuation, plus typographic punctuation (curly quotes, dashes, ellipsis,
 * U+2000..U+206F) that English descriptions on Goodreads use freely; the original counted ASCII only, which cost a few
 * English rows with curly quotes.
 */
public final class EnglishText {

    private EnglishText() {
    }

    /** Fraction of English characters in text (counted by code point); 1.0 for empty text. */
    public static double ratio(String text) {
        int total = 0;
        int english = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            total++;
            if (cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F)) {
                english++;
            }
        }
        return total == 0 ? 1.0 : (double) english / total;
    }
}
