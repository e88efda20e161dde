package org.coverlab.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A vocabulary from {@link BpeTrainer}, writable as a diffusers/transformers {@code tokenizer/} folder. */
public record TrainedVocabulary(BpeVocabulary vocabulary, ClipTokenizerConfig config) {

    public ClipTokenizer tokenizer() {
        return new ClipTokenizer(vocabulary, config);
    }

    /**
     * Writes vocab.json, merges.txt (with CLIP's "#version: 0.2" header), tokenizer_config.json and
     * special_tokens_map.json into {@code folder}, which transformers' CLIPTokenizer.from_pretrained also reads.
     */
    public void writeTo(Path folder) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("vocab.json"),
                    new ObjectMapper().writeValueAsString(vocabulary.vocab()), StandardCharsets.UTF_8);
            StringBuilder merges = new StringBuilder("#version: 0.2\n");
            for (BpeVocabulary.Merge m : vocabulary.merges()) merges.append(m.left()).append(' ').append(m.right()).append('\n');
            Files.writeString(folder.resolve("merges.txt"), merges, StandardCharsets.UTF_8);
            ObjectNode tokens = json.createObjectNode()
                    .put("bos_token", config.bosToken()).put("eos_token", config.eosToken())
                    .put("unk_token", config.unkToken()).put("pad_token", config.padToken());
            ObjectNode tokenizerConfig = tokens.deepCopy()
                    .put("model_max_length", config.maxLength())
                    .put("do_lower_case", true)
                    .put("tokenizer_class", "CLIPTokenizer");
            Files.writeString(folder.resolve("tokenizer_config.json"), json.writeValueAsString(tokenizerConfig),
                    StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("special_tokens_map.json"), json.writeValueAsString(tokens),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer files to " + folder, e);
        }
    }
}
