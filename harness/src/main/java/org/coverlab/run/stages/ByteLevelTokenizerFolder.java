package org.coverlab.run.stages;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.coverlab.model.tokenizer.BpeVocabulary;
import org.coverlab.model.tokenizer.ByteUnicode;
import org.coverlab.model.tokenizer.ClipTokenizerConfig;
import org.coverlab.run.RunJson;

/**
 * A CLIP-format tokenizer folder with no merges: the 256 byte symbols, the same with {@code </w>}, and the two special
 * tokens (514 entries). It encodes any text, one token per UTF-8 byte, and needs no training data, which makes it the
 * vocabulary of the randomly initialised tiny model until a pretrained tiny model (with a learned vocabulary) exists.
 * Its cost: a prompt keeps only its first 75 non-space bytes.
 */
final class ByteLevelTokenizerFolder {

    static final int VOCAB_SIZE = 256 * 2 + 2;

    private ByteLevelTokenizerFolder() {
    }

    static void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        ObjectNode vocab = RunJson.mapper().createObjectNode();
        int id = 0;
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteUnicode.charOf(b)), id++);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(ByteUnicode.charOf(b) + BpeVocabulary.END_OF_WORD, id++);
        }
        vocab.put(ClipTokenizerConfig.START_OF_TEXT, id++);
        vocab.put(ClipTokenizerConfig.END_OF_TEXT, id);
        Files.writeString(folder.resolve("vocab.json"), RunJson.mapper().writeValueAsString(vocab));
        Files.writeString(folder.resolve("merges.txt"), "#version: 0.2\n");
    }
}
