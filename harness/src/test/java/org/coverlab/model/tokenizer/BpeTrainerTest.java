package org.coverlab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

    private static JsonNode reference;
    private static List<String> corpus;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = BpeTrainerTest.class.getResourceAsStream("/conformance/tokenizer/encodings.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        corpus = new ArrayList<>();
        reference.get("training").get("corpus").forEach(c -> corpus.add(c.textValue()));
    }

    @Test
    void trainerReproducesTheReferenceVocabularyMergeForMerge() throws Exception {
        int merges = reference.get("training").get("num_merges").intValue();
        TrainedVocabulary trained = new BpeTrainer(BpeTrainer.BASE_VOCAB_SIZE + merges, 1).train(corpus);
        BpeVocabulary expected = ClipTokenizer.load(ClipTokenizerConformanceTest.resource(
                "/conformance/tokenizer/clip-small")).vocabulary();
        assertEquals(expected.merges(), trained.vocabulary().merges());
        assertEquals(expected.vocab(), trained.vocabulary().vocab());
    }

    @Test
    void trainingIsDeterministicAndIndependentOfCaptionOrder() {
        BpeTrainer trainer = new BpeTrainer(700, 2);
        List<String> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new java.util.Random(7));
        BpeVocabulary a = trainer.train(corpus).vocabulary();
        BpeVocabulary b = trainer.train(shuffled).vocabulary();
        assertEquals(a.merges(), b.merges());
        assertEquals(a.vocab(), b.vocab());
    }

    @Test
    void stopsAtTheRequestedSizeOrWhenPairsGetRare() {
        BpeVocabulary small = new BpeTrainer(600, 1).train(corpus).vocabulary();
        assertEquals(600, small.size());
        BpeVocabulary rare = new BpeTrainer(49408, 3).train(corpus).vocabulary();
        assertTrue(rare.size() < 49408 && rare.size() > BpeTrainer.BASE_VOCAB_SIZE, "size " + rare.size());
    }

    @Test
    void trainedFolderRoundTripsThroughClipTokenizer(@TempDir Path dir) throws Exception {
        TrainedVocabulary trained = new BpeTrainer(900, 1).train(corpus);
        trained.writeTo(dir);
        for (String f : List.of("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        ClipTokenizer loaded = ClipTokenizer.load(dir);
        ClipTokenizer inMemory = trained.tokenizer();
        assertEquals(inMemory.vocabSize(), loaded.vocabSize());
        assertEquals(77, loaded.maxLength());
        for (String caption : corpus) {
            Encoding e = loaded.encode(caption);
            assertArrayEquals(inMemory.encode(caption).ids(), e.ids(), caption);
            assertEquals(String.join(" ", ClipPreTokenizer.split(ClipNormalizer.normalize(caption))),
                    loaded.decode(e.ids()), caption);
        }
        // Frequent words became single tokens.
        assertEquals(List.of("book</w>", "cover</w>"), loaded.tokenize("Book cover"));
    }

    @Test
    void rejectsAVocabularyTooSmallForTheByteAlphabet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BpeTrainer(100, 1));
        assertTrue(e.getMessage().contains("514"), e.getMessage());
    }
}
