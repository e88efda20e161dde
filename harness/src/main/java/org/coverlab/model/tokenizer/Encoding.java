package org.coverlab.model.tokenizer;

import java.util.Arrays;

/**
 * One encoded text: token ids (BOS, tokens, EOS, then padding) and the attention mask (1 for BOS/tokens/EOS, 0 for
 * padding), both of the tokenizer's max length. {@code truncated} says whether tokens were cut to fit.
 */
public record Encoding(int[] ids, int[] attentionMask, boolean truncated) {

    public Encoding {
        if (ids.length != attentionMask.length) {
            throw new IllegalArgumentException("ids and attention mask differ in length: " + ids.length + " vs "
                    + attentionMask.length);
        }
        ids = ids.clone();
        attentionMask = attentionMask.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public int[] attentionMask() {
        return attentionMask.clone();
    }

    /** Number of positions that are not padding. */
    public int length() {
        int n = 0;
        for (int m : attentionMask) n += m;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && truncated == e.truncated && Arrays.equals(ids, e.ids)
                && Arrays.equals(attentionMask, e.attentionMask);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + Arrays.hashCode(attentionMask) + (truncated ? 1 : 0);
    }

    @Override
    public String toString() {
        return "Encoding[ids=" + Arrays.toString(ids) + ", length=" + length() + ", truncated=" + truncated + "]";
    }
}
