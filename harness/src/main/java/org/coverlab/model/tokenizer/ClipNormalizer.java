package org.coverlab.model.tokenizer;

import java.text.Normalizer;

/**
 * CLIP's text normalisation as transformers' CLIPTokenizer (tokenizers backend) does it: NFC, every run of
 * whitespace to one space, then lower case character by character. Nothing is stripped or removed; control and
 * format characters reach the byte-level BPE like any other symbol.
 */
public final class ClipNormalizer {

    private ClipNormalizer() {
    }

    public static String normalize(String text) {
        String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(nfc.length());
        boolean inSpace = false;
        for (int i = 0; i < nfc.length(); ) {
            int cp = nfc.codePointAt(i);
            i += Character.charCount(cp);
            if (UnicodeClasses.isSpace(cp)) {
                if (!inSpace) out.append(' ');
                inSpace = true;
            } else {
                inSpace = false;
                UnicodeClasses.appendLower(out, cp);
            }
        }
        return out.toString();
    }
}
