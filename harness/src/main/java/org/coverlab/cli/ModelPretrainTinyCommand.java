package org.coverlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.coverlab.stages.PretrainedTinyBase;
import org.coverlab.training.pretrain.PretrainProgress;
import org.coverlab.training.pretrain.TinyPretraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab model pretrain-tiny [--out DIR]}: builds (or finds) the pretrained tiny base model. */
@Command(name = "pretrain-tiny",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Pretrain the tiny base model that 'model.base: tiny' means, or find it already built.",
                "Trains the tiny VAE, then the UNet and text encoder, on generic shape images (no book covers) with a "
                        + "fixed step budget, deterministic from its seed, and caches the diffusers folder under the "
                        + "models folder as tiny-base-<config hash>. Runs build it on first use anyway; this command "
                        + "does it up front, with progress."},
        footer = {"", "The models folder is --out DIR, else $" + PretrainedTinyBase.MODELS_ENV + ", else models/ in the "
                + "repository. Runs find a build under another folder with " + PretrainedTinyBase.MODELS_ENV + "=DIR.",
                "", "Examples:",
                "  coverlab model pretrain-tiny",
                "  coverlab model pretrain-tiny --out /shared/coverlab-models",
                "", ExitCodes.HELP_SECTION})
public final class ModelPretrainTinyCommand implements Callable<Integer> {

    @ParentCommand
    ModelCommand parent;

    @Option(names = "--out", paramLabel = "DIR", description = "Models folder to build into (created).")
    Path out;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        Path dir = out != null ? ctx.cwd().resolve(out).toAbsolutePath().normalize() : PretrainedTinyBase.modelsDir();
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            ctx.err().println("coverlab model pretrain-tiny: " + out + " exists and is not a folder");
            return ExitCodes.BAD_INPUT;
        }
        try {
            TinyPretraining.Listener progress = new PretrainProgress(ctx.out()::println, () -> { });
            PretrainedTinyBase.Ready ready = PretrainedTinyBase.ensure(dir, ctx.out()::println, () -> { }, progress);
            var r = ready.record();
            ctx.out().printf(Locale.ROOT, "%s %s (final VAE loss %.4f, final denoising loss %.4f, %.0f CPU s)%n",
                    ready.built() ? "built" : "already built:", ready.folder(), r.path("final_vae_loss").asDouble(),
                    r.path("final_denoise_loss").asDouble(), r.path("cpu_seconds").asDouble());
            return ExitCodes.OK;
        } catch (IOException | UncheckedIOException e) {
            ctx.err().println("coverlab model pretrain-tiny: cannot build under " + dir + ": " + e.getMessage());
            return ExitCodes.RUN_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        }
    }
}
