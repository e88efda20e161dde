package org.coverlab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Whatever the text, encoding never fails and has CLIP's shape: 77 ids, BOS first, EOS at the end of the mask. */
class ClipTokenizerPropertiesTest {

    private static ClipTokenizer tokenizer;

    @BeforeContainer
    static void load() throws Exception {
        Path folder = ClipTokenizerConformanceTest.resource("/conformance/tokenizer/clip-small");
        tokenizer = ClipTokenizer.load(folder);
    }

    @Provide
    Arbitrary<String> anyUnicode() {
        Arbitrary<String> codePoints = Arbitraries.integers().between(0, 0x10FFFF)
                .map(cp -> new String(Character.toChars(cp))).list().ofMaxSize(120)
                .map(parts -> String.join("", parts));
        Arbitrary<String> mixed = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> withSpecials = Arbitraries.of("<|startoftext|>", "<|endoftext|>", "<|ENDOFTEXT|>", "!", " ",
                "'s", "\u0130", "\u00a0", "\ud83d\udcda", "\ud800").list().ofMaxSize(30).map(p -> String.join("", p));
        return Arbitraries.oneOf(codePoints, mixed, withSpecials);
    }

    @Property(tries = 300)
    void everyTextEncodesToExactly77IdsStartingWithBos(@ForAll("anyUnicode") String text) {
        Encoding e = tokenizer.encode(text);
        int[] ids = e.ids();
        int[] mask = e.attentionMask();
        assertEquals(77, ids.length);
        assertEquals(77, mask.length);
        assertEquals(tokenizer.bosId(), ids[0]);
        int length = e.length();
        assertTrue(length >= 2 && length <= 77);
        assertEquals(tokenizer.eosId(), ids[length - 1]);
        for (int i = 0; i < 77; i++) {
            assertEquals(i < length ? 1 : 0, mask[i], "mask is ones then zeros");
            if (i >= length) assertEquals(tokenizer.padId(), ids[i]);
            assertTrue(ids[i] >= 0 && ids[i] < tokenizer.vocabSize());
        }
        assertEquals(tokenizer.tokenIds(text).length > 75, e.truncated());
    }

    @Property(tries = 200)
    void decodingNeverFailsAndIsStableUnderReencoding(@ForAll("anyUnicode") String text) {
        String decoded = tokenizer.decode(tokenizer.encode(text).ids());
        // Text that already went through normalisation and fits comes back unchanged by a second round trip.
        if (!tokenizer.encode(text).truncated() && !decoded.contains("\ufffd")) {
            assertEquals(decoded, tokenizer.decode(tokenizer.encode(decoded).ids()));
        }
    }
}
