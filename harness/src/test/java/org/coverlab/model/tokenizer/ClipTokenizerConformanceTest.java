package org.coverlab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ids, masks, tokens and decodes of transformers' CLIPTokenizer (tokenizers backend) for awkward strings, with a
 * vocabulary in CLIP's format, produced by scripts/refvectors/tokenizer_schedulers.py.
 */
class ClipTokenizerConformanceTest {

    private static JsonNode reference;
    private static Path folder;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = ClipTokenizerConformanceTest.class.getResourceAsStream(
                "/conformance/tokenizer/encodings.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        folder = resource("/conformance/tokenizer/clip-small");
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ClipTokenizerConformanceTest.class.getResource(name).toURI());
    }

    static Stream<Arguments> sd15Cases() throws Exception {
        load();
        return cases("sd15_pad");
    }

    static Stream<Arguments> sd2Cases() throws Exception {
        load();
        return cases("sd2_pad");
    }

    private static Stream<Arguments> cases(String group) {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : reference.get(group).get("cases")) {
            String text = c.get("text").textValue();
            String label = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            out.add(Arguments.of(label.replaceAll("\\p{Cntrl}", "?"), c));
        }
        return out.stream();
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).intValue();
        return out;
    }

    @Test
    void loadsTheFolderLikeTransformers() {
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);
        assertEquals(reference.get("vocab_size").intValue(), tokenizer.vocabSize());
        assertEquals(77, tokenizer.maxLength());
        assertEquals(reference.get("sd15_pad").get("pad_token_id").intValue(), tokenizer.padId());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("sd15Cases")
    void idsMasksTokensAndDecodeMatchTransformers(String label, JsonNode c) {
        check(ClipTokenizer.load(folder), c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("sd2Cases")
    void sd2PadTokenBangMatchesTransformers(String label, JsonNode c) {
        BpeVocabulary vocabulary = ClipTokenizer.load(folder).vocabulary();
        ClipTokenizerConfig sd2 = new ClipTokenizerConfig(77, ClipTokenizerConfig.START_OF_TEXT,
                ClipTokenizerConfig.END_OF_TEXT, ClipTokenizerConfig.END_OF_TEXT, "!");
        check(new ClipTokenizer(vocabulary, sd2), c);
    }

    private static void check(ClipTokenizer tokenizer, JsonNode c) {
        String text = c.get("text").textValue();
        List<String> expectedTokens = new ArrayList<>();
        c.get("tokens").forEach(t -> expectedTokens.add(t.textValue()));
        assertEquals(expectedTokens, tokenizer.tokenize(text), "tokens");
        Encoding e = tokenizer.encode(text);
        assertArrayEquals(ints(c.get("input_ids")), e.ids(), "input_ids");
        assertArrayEquals(ints(c.get("attention_mask")), e.attentionMask(), "attention_mask");
        assertEquals(c.get("untruncated_length").intValue() > 75, e.truncated(), "truncated");
        assertEquals(c.get("decoded").textValue(), tokenizer.decode(e.ids()), "decode");
    }
}
