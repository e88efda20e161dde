package org.coverlab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real Stable Diffusion 1.x vocabulary (49408 tokens) against transformers, for the awkward strings and the
 * caption corpus. The vocabulary is 1.6 MB and not committed: the test runs when COVERLAB_SD15_TOKENIZER names a
 * diffusers {@code tokenizer/} folder (e.g. stable-diffusion-v1-5/tokenizer) and is skipped otherwise.
 */
class Sd15VocabularyConformanceTest {

    @Test
    void realSd15VocabularyGivesTransformersIds() throws Exception {
        String folder = System.getenv("COVERLAB_SD15_TOKENIZER");
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)),
                "set COVERLAB_SD15_TOKENIZER to an SD1.5 tokenizer folder to run this test");
        JsonNode reference;
        try (InputStream in = getClass().getResourceAsStream("/conformance/tokenizer/sd15_vocab_encodings.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        ClipTokenizer tokenizer = ClipTokenizer.load(Path.of(folder));
        assertEquals(reference.get("vocab_size").intValue(), tokenizer.vocabSize());
        assertEquals(reference.get("vocab_sha256").textValue(), fingerprint(tokenizer.vocabulary().vocab()),
                "this is not the SD1.5 (openai/clip-vit-large-patch14) vocabulary");
        for (JsonNode c : reference.get("cases")) {
            String text = c.get("text").textValue();
            List<String> tokens = new ArrayList<>();
            c.get("tokens").forEach(t -> tokens.add(t.textValue()));
            assertEquals(tokens, tokenizer.tokenize(text), text);
            int[] ids = new int[77];
            for (int i = 0; i < 77; i++) ids[i] = c.get("input_ids").get(i).intValue();
            Encoding e = tokenizer.encode(text);
            assertArrayEquals(ids, e.ids(), text);
            assertEquals(c.get("decoded").textValue(), tokenizer.decode(e.ids()), text);
        }
    }

    private static String fingerprint(Map<String, Integer> vocab) throws Exception {
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(vocab.entrySet());
        entries.sort(Map.Entry.comparingByValue());
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : entries) {
            if (sb.length() > 0) sb.append('\n');
            sb.append(e.getKey()).append('\t').append(e.getValue());
        }
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash);
    }
}
