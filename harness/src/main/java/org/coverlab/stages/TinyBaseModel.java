package org.coverlab.stages;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.data.BookRecord;
import org.coverlab.data.CaptionBuilder;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.GenericImageSet;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.tokenizer.BpeTrainer;
import org.coverlab.model.tokenizer.TrainedVocabulary;
import org.coverlab.spec.DatasetSpec;
import org.coverlab.spec.SampleSpec;
import org.coverlab.util.Sha256;

/**
 * The embedded default base model when no pretrained tiny folder is configured: the tiny architecture with seeded
 * random weights and its own BPE vocabulary, learnt by {@link BpeTrainer} from a fixed caption corpus. Nothing an
 * experiment sets (its dataset, caption templates or prompts) goes into the corpus, so every run of every experiment
 * gets the byte-identical model and grids stay comparable across experiments.
 *
 * <p>The corpus: {@value #BOOKS} synthetic books (seed {@value #SEED}) captioned with each default caption template,
 * plus their descriptions (for specs that append them); {@value #SHAPE_CAPTIONS} generic shape captions (seed
 * {@value #SEED}); and the study's 40 grid prompts (experiments/base/study.yaml, copied here so that editing a spec
 * never changes the model), which name real titles and authors the synthetic lists lack. The
 * synthetic word lists are finite, so training stops below {@link TinyPreset#VOCAB_SIZE} once no pair occurs
 * {@value #MIN_PAIR_FREQUENCY} times (about 1.7k tokens): every corpus word is then one or a few tokens, and words
 * outside it fall back to smaller pieces down to single bytes, so any prompt encodes. Building the corpus and training
 * take under a second on two CPU cores.
 */
final class TinyBaseModel {

    static final long SEED = 0;
    static final int BOOKS = 2000;
    static final int SHAPE_CAPTIONS = 2000;
    /** A merge must be seen at least twice, so one-off strings do not take vocabulary slots. */
    static final int MIN_PAIR_FREQUENCY = 2;

    /** The study's four books (title, author, genre) and the ten prompt styles of its 40-row grid. */
    static final List<List<String>> STUDY_BOOKS = List.of(
            List.of("Pride and Prejudice", "Jane Austen", "romance"),
            List.of("Moby-Dick", "Herman Melville", "sea adventure"),
            List.of("Frankenstein", "Mary Shelley", "horror"),
            List.of("The Adventures of Sherlock Holmes", "Arthur Conan Doyle", "mystery"));
    static final List<String> STUDY_PROMPT_STYLES = List.of(
            "A book cover with author {author}, book title {title}",
            "A book cover of {title} by {author}",
            "The cover of the book {title}, written by {author}",
            "A {genre} book cover for {title} by {author}",
            "Book cover, {genre}, title {title}, author {author}",
            "A minimalist book cover for {title} by {author}",
            "An illustrated book cover for the novel {title} by {author}",
            "A paperback cover of {title} by {author}",
            "A vintage book cover of {title} by {author}",
            "A modern {genre} novel cover, {title} by {author}");

    private TinyBaseModel() {
    }

    /** The fixed training captions, in a fixed order (the trainer's result does not depend on the order anyway). */
    static List<String> corpus() {
        return corpus(() -> { });
    }

    private static List<String> corpus(Runnable checkCancelled) {
        List<CaptionBuilder> perTemplate = DatasetSpec.CaptionSpec.DEFAULT.templates().stream()
                .map(t -> new CaptionBuilder(new DatasetSpec.CaptionSpec(List.of(t), false, ""), SEED))
                .toList();
        GeneratorOptions books = new GeneratorOptions(BOOKS, SEED, 16, 16, 1);
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < BOOKS; i++) {
            if (i % 100 == 0) {
                checkCancelled.run();
            }
            BookRecord book = SyntheticCoverSet.record(i, books);
            for (CaptionBuilder builder : perTemplate) {
                captions.add(builder.caption(book, 0));
            }
            captions.add(book.description());
        }
        for (int i = 0; i < SHAPE_CAPTIONS; i++) {
            captions.add(GenericImageSet.caption(i, SEED));
        }
        captions.addAll(SampleSpec.DEFAULT.prompts());
        for (List<String> book : STUDY_BOOKS) {
            for (String style : STUDY_PROMPT_STYLES) {
                captions.add(style.replace("{title}", book.get(0)).replace("{author}", book.get(1))
                        .replace("{genre}", book.get(2)));
            }
        }
        return captions;
    }

    /**
     * SHA-256 of everything the embedded default is made from: the corpus, the trainer's settings, the seed and the
     * preset. Same hash, same folder bytes, so the folder is cached under it and shared by runs.
     */
    static String recipeHash() {
        return Sha256.ofText(String.join("\n", corpus()) + "\nvocab=" + TinyPreset.VOCAB_SIZE + "\nmin_pair="
                + MIN_PAIR_FREQUENCY + "\nseed=" + SEED + "\npreset=" + TinyPreset.class.getName() + "-v1");
    }

    static TrainedVocabulary vocabulary() {
        return vocabulary(() -> { });
    }

    /** As {@link #vocabulary()}; {@code checkCancelled} runs between merges (seconds in all on a busy machine). */
    static TrainedVocabulary vocabulary(Runnable checkCancelled) {
        List<String> corpus = corpus(checkCancelled);
        return new BpeTrainer(TinyPreset.VOCAB_SIZE, MIN_PAIR_FREQUENCY).train(corpus, checkCancelled);
    }

    /** Writes the complete diffusers folder (tokenizer, seeded networks, scheduler) into {@code folder}. */
    static void write(Path folder, TrainedVocabulary vocabulary) {
        TinyPreset.writeFolder(folder, vocabulary, SEED);
    }
}
