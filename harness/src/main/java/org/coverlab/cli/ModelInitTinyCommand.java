package org.coverlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.tokenizer.BpeTrainer;
import org.coverlab.model.tokenizer.TokenizerFormatException;
import org.coverlab.stages.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab model init-tiny OUT [--captions FILE [--vocab N] | --tokenizer DIR] [--seed S]}. */
@Command(name = "init-tiny",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Write a freshly initialised tiny Stable Diffusion model as a diffusers folder.",
                "The tiny preset is SD's architecture sized for CPU. With no option OUT is the embedded default "
                        + "model itself (what model.base: tiny samples; its vocabulary learnt from a fixed caption "
                        + "corpus, seed 0). Otherwise its tokenizer is a BPE vocabulary trained on captions (one per "
                        + "line) or a copy of an existing CLIP tokenizer folder. The folder loads with 'coverlab generate', as a spec's model.base "
                        + "and with diffusers."},
        footer = {"", "Examples:",
                "  coverlab model init-tiny models/tiny-default",
                "  coverlab model init-tiny models/tiny --captions captions.txt --vocab 4096",
                "  coverlab model init-tiny models/tiny-clip --tokenizer sd15/tokenizer --seed 7",
                "", ExitCodes.HELP_SECTION})
public final class ModelInitTinyCommand implements Callable<Integer> {

    private static final long TINY_DEFAULT_SEED = 0;

    @ParentCommand
    ModelCommand parent;

    @Parameters(index = "0", paramLabel = "OUT", description = "Model folder to write (created; files in it are replaced).")
    Path out;

    @Option(names = "--captions", paramLabel = "FILE", description = "Train the tokenizer's vocabulary on these captions, one per line.")
    Path captions;

    @Option(names = "--vocab", paramLabel = "N",
            description = "Largest vocabulary to train with --captions; training stops earlier once no pair of "
                    + "tokens repeats (the embedded default's corpus gives 1693). Default: " + TinyPreset.VOCAB_SIZE + ".")
    Integer vocab;

    @Option(names = "--tokenizer", paramLabel = "DIR", description = "Copy this CLIP tokenizer folder (tokenizer.json, or vocab.json and merges.txt) instead.")
    Path tokenizer;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Initialisation seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        if (captions != null && tokenizer != null) {
            return fail(ctx, "give at most one of --captions FILE and --tokenizer DIR");
        }
        if (vocab != null && captions == null) {
            return fail(ctx, "--vocab sets the size of a vocabulary trained with --captions; it does not apply to --tokenizer");
        }
        Path folder = ctx.cwd().resolve(out);
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            return fail(ctx, out + " exists and is not a folder");
        }
        long start = System.nanoTime();
        try {
            if (captions == null && tokenizer == null) {
                if (seed != TINY_DEFAULT_SEED || vocab != null) {
                    return fail(ctx, "--seed and --vocab need --captions or --tokenizer; without them OUT is the embedded"
                            + " default, which has a fixed seed and vocabulary");
                }
                ModelSource.writeEmbeddedDefault(folder);
            } else if (captions != null) {
                Path file = ctx.cwd().resolve(captions);
                List<String> lines;
                try {
                    lines = Files.readAllLines(file);
                } catch (IOException e) {
                    return fail(ctx, "cannot read captions " + captions + ": " + describe(e));
                }
                if (lines.stream().allMatch(String::isBlank)) {
                    return fail(ctx, captions + ": no captions (expected one caption per line)");
                }
                int size = vocab == null ? TinyPreset.VOCAB_SIZE : vocab;
                TinyPreset.writeFolder(folder, new BpeTrainer(size, 2).train(lines), seed);
            } else {
                TinyPreset.writeFolder(folder, ctx.cwd().resolve(tokenizer), seed);
            }
        } catch (TokenizerFormatException | IllegalArgumentException e) {
            return fail(ctx, e.getMessage());
        } catch (UncheckedIOException e) {
            return fail(ctx, e.getMessage() + ": " + describe(e.getCause()));
        }
        ctx.out().printf(Locale.ROOT, "wrote tiny Stable Diffusion folder %s (seed %d, %s) in %.1f s%n", out, seed,
                captions != null ? "vocabulary trained on " + captions : tokenizer != null ? "tokenizer from " + tokenizer
                        : "the embedded default: what model.base: tiny samples when no pretrained tiny folder is set",
                (System.nanoTime() - start) / 1e9);
        return ExitCodes.OK;
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }

    private static int fail(CliContext ctx, String message) {
        ctx.err().println("coverlab model init-tiny: " + message);
        return ExitCodes.BAD_INPUT;
    }
}
