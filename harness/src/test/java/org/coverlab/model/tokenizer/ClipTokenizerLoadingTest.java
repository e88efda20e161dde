package org.coverlab.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizer folders: what is read from the config files, and the messages for broken ones. */
class ClipTokenizerLoadingTest {

    private static Path copyOfReference(Path dir) throws Exception {
        Path src = ClipTokenizerConformanceTest.resource("/conformance/tokenizer/clip-small");
        for (String f : List.of("vocab.json", "merges.txt")) Files.copy(src.resolve(f), dir.resolve(f));
        return dir;
    }

    private static String messageOf(Path dir) {
        return assertThrows(TokenizerFormatException.class, () -> ClipTokenizer.load(dir)).getMessage();
    }

    @Test
    void missingFolderOrFileIsNamedInTheMessage(@TempDir Path dir) {
        assertTrue(messageOf(dir.resolve("nope")).contains("tokenizer folder not found"));
        String m = messageOf(dir);
        assertTrue(m.contains("vocab.json") && m.contains("missing"), m);
    }

    @Test
    void badMergeLineIsReportedWithItsLineNumber(@TempDir Path dir) throws Exception {
        copyOfReference(dir);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nb oo\nthree parts here\n");
        String m = messageOf(dir);
        assertTrue(m.contains("merges.txt line 3") && m.contains("two symbols"), m);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nb oo\nzq xw\n");
        m = messageOf(dir);
        assertTrue(m.contains("merges.txt line 3") && m.contains("'zq'") && m.contains("not in vocab.json"), m);
    }

    @Test
    void vocabularyThatIsNotAnObjectOfIdsIsRejected(@TempDir Path dir) throws Exception {
        copyOfReference(dir);
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"one\"}");
        String m = messageOf(dir);
        assertTrue(m.contains("vocab.json") && m.contains("'a'") && m.contains("non-negative integer"), m);
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 1,");
        assertTrue(messageOf(dir).contains("not valid JSON"));
    }

    @Test
    void specialTokenMissingFromTheVocabularyIsNamed(@TempDir Path dir) throws Exception {
        copyOfReference(dir);
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<pad>\"}");
        String m = messageOf(dir);
        assertTrue(m.contains("vocab.json: pad_token '<pad>' is not in the vocabulary"), m);
    }

    @Test
    void configSetsLengthAndPadTokenAndTheMapWins(@TempDir Path dir) throws Exception {
        copyOfReference(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"model_max_length\": 32, \"pad_token\": {\"content\": \"<|endoftext|>\"}}");
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"!\"}");
        ClipTokenizer t = ClipTokenizer.load(dir);
        assertEquals(32, t.maxLength());
        assertEquals(t.vocabulary().idOf("!"), t.padId());
        assertEquals(32, t.encode("hello").ids().length);
    }

    @Test
    void unlimitedModelMaxLengthFallsBackToClips77(@TempDir Path dir) throws Exception {
        copyOfReference(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1e30}");
        assertEquals(77, ClipTokenizer.load(dir).maxLength());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": \"long\"}");
        assertTrue(messageOf(dir).contains("'model_max_length' must be a number"));
    }

    @Test
    void batchEncodingBecomesInt64ArraysForTheTextModel(@TempDir Path dir) throws Exception {
        ClipTokenizer t = ClipTokenizer.load(copyOfReference(dir));
        BatchEncoding batch = t.encodeBatch(List.of("", "a book cover"));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = batch.inputIds(m);
            NDArray mask = batch.attentionMask(m);
            assertEquals(DataType.INT64, ids.getDataType());
            assertEquals(List.of(2L, 77L), List.of(ids.getShape().get(0), ids.getShape().get(1)));
            assertEquals(t.bosId(), ids.getLong(1, 0));
            assertEquals(2, mask.get(0).sum().getLong());
            assertEquals(2 + t.tokenIds("a book cover").length, mask.get(1).sum().getLong());
        }
    }

    private static Path tokenizerJsonFolder(Path dir) throws Exception {
        Path src = ClipTokenizerConformanceTest.resource("/conformance/models/pipeline_current/tokenizer");
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) Files.copy(src.resolve(f), dir.resolve(f));
        return dir;
    }

    @Test
    void tokenizerJsonGivesTheSameVocabularyAsVocabAndMergesFiles(@TempDir Path dir) throws Exception {
        // pipeline_current's tokenizer.json is transformers 5's save of the clip-small vocab.json + merges.txt
        ClipTokenizer fromJson = ClipTokenizer.load(tokenizerJsonFolder(Files.createDirectories(dir.resolve("json"))));
        ClipTokenizer fromFiles = ClipTokenizer.load(copyOfReference(Files.createDirectories(dir.resolve("files"))));
        assertEquals(fromFiles.vocabulary().vocab(), fromJson.vocabulary().vocab());
        assertEquals(fromFiles.vocabulary().merges(), fromJson.vocabulary().merges());
        assertEquals(List.of(fromFiles.bosId(), fromFiles.eosId(), fromFiles.padId()),
                List.of(fromJson.bosId(), fromJson.eosId(), fromJson.padId()));
    }

    @Test
    void tokenizerJsonWinsOverVocabAndMergesAsInTransformers(@TempDir Path dir) throws Exception {
        tokenizerJsonFolder(copyOfReference(dir));
        // merges.txt cut to one merge: were it read, "book" would not become one token
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\ni t\n");
        assertEquals(400, ClipTokenizer.load(dir).vocabulary().merges().size());
    }

    @Test
    void tokenizerJsonThatIsNotClipBpeIsRefusedWithTheKey(@TempDir Path dir) throws Exception {
        tokenizerJsonFolder(dir);
        Path file = dir.resolve("tokenizer.json");
        String original = Files.readString(file);
        Files.writeString(file, original.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\""));
        String m = messageOf(dir);
        assertTrue(m.contains("tokenizer.json") && m.contains("model.type") && m.contains("WordPiece"), m);
        Files.writeString(file, original.replace("\"end_of_word_suffix\": \"</w>\"", "\"end_of_word_suffix\": null"));
        m = messageOf(dir);
        assertTrue(m.contains("model.end_of_word_suffix") && m.contains("</w>"), m);
        Files.writeString(file, original.replaceFirst("\\[\\s*\"i\",\\s*\"t\"\\s*\\]", "[\"i\", \"zq\"]"));
        m = messageOf(dir);
        assertTrue(m.contains("tokenizer.json model.merges[0]") && m.contains("'zq'") && m.contains("not in model.vocab"), m);
        Files.writeString(file, "{\"model\": ");
        assertTrue(messageOf(dir).contains("not valid JSON"));
    }
}
