package org.coverlab.cli;

import org.coverlab.data.DataException;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.GenericImageSet;
import org.coverlab.data.synth.PreviewGrid;
import org.coverlab.data.synth.SyntheticCoverSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code coverlab make-dataset synthetic|generic}: writes a generated dataset the loader reads unchanged. */
@Command(name = "make-dataset", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Generate a dataset: synthetic book covers in the Kaggle Goodreads layout, or generic shape images with captions.",
        footer = {"", "Examples:",
                "  coverlab make-dataset synthetic --count 5000 --out covers --preview p.png",
                "  coverlab make-dataset generic --count 1000 --seed 7 --out /tmp/shapes",
                "", ExitCodes.HELP_SECTION},
        subcommands = {MakeDatasetCommand.Synthetic.class, MakeDatasetCommand.Generic.class})
public final class MakeDatasetCommand implements Runnable {

    /** The root command when run as {@code coverlab make-dataset}; null when run on its own through {@link #main}. */
    @CommandLine.ParentCommand
    CoverlabCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where output goes: the CLI context's streams and working directory, or the process's when run on its own. */
    CliContext context() {
        return root != null ? root.context() : null;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a generator: synthetic or generic");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MakeDatasetCommand()).execute(args));
    }

    /** Options shared by both generators. */
    static class Common {
        @Option(names = "--count", required = true, description = "Number of images to generate")
        int count;

        @Option(names = "--seed", defaultValue = "0", description = "Generator seed; same seed, same bytes (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", required = true, description = "Output folder (created; existing files with the same names are overwritten)")
        Path out;

        @Option(names = "--width", defaultValue = "64", description = "Image width in pixels (default: ${DEFAULT-VALUE})")
        int width;

        @Option(names = "--height", defaultValue = "96", description = "Image height in pixels (default: ${DEFAULT-VALUE})")
        int height;

        @Option(names = "--threads", defaultValue = "0", description = "Rendering threads, 0 = all cores (output does not depend on it)")
        int threads;

        @Option(names = "--preview", description = "Also write a PNG grid of the first images to this file")
        Path preview;

        @Option(names = "--preview-count", defaultValue = "40", description = "Images in the preview grid (default: ${DEFAULT-VALUE})")
        int previewCount;
    }

    abstract static class Generator implements Callable<Integer> {
        @CommandLine.ParentCommand
        MakeDatasetCommand parent;

        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract String kind();

        abstract void write(Path out, GeneratorOptions options);

        abstract PreviewGrid.Tile tile(int i, GeneratorOptions options);

        abstract String csvName();

        @Override
        public Integer call() {
            CliContext ctx = parent.context();
            PrintStream out = ctx != null ? ctx.out() : System.out;
            PrintStream err = ctx != null ? ctx.err() : System.err;
            Path folder = ctx != null ? ctx.cwd().resolve(common.out) : common.out;
            GeneratorOptions options;
            try {
                options = new GeneratorOptions(common.count, common.seed, common.width, common.height, common.threads);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try {
                if (Files.exists(folder) && !Files.isDirectory(folder)) {
                    err.println("coverlab make-dataset: --out " + common.out + " exists and is not a folder");
                    return ExitCodes.BAD_INPUT;
                }
                long start = System.nanoTime();
                write(folder, options);
                double seconds = (System.nanoTime() - start) / 1e9;
                out.printf(Locale.ROOT, "wrote %d %s images (%dx%d, seed %d) and %s to %s in %.1f s (%d threads)%n",
                        options.count(), kind(), options.width(), options.height(), options.seed(), csvName(),
                        common.out, seconds, options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors());
                if (common.preview != null) {
                    List<PreviewGrid.Tile> tiles = new ArrayList<>();
                    for (int i = 0; i < Math.min(common.previewCount, options.count()); i++) {
                        tiles.add(tile(i, options));
                    }
                    PreviewGrid.write(ctx != null ? ctx.cwd().resolve(common.preview) : common.preview, tiles,
                            Math.min(10, tiles.size()), 2);
                    out.println("preview grid: " + common.preview);
                }
                return ExitCodes.OK;
            } catch (DataException e) {
                err.println("coverlab make-dataset: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            } catch (UncheckedIOException e) {
                err.println("coverlab make-dataset: " + e.getMessage());
                return ExitCodes.RUN_FAILED;
            }
        }
    }

    @Command(name = "synthetic", mixinStandardHelpOptions = true,
            description = "Synthetic book covers: book_data.csv (the 12 Kaggle columns) and images/images/{i}.jpg.")
    static final class Synthetic extends Generator {
        @Override
        String kind() {
            return "synthetic cover";
        }

        @Override
        String csvName() {
            return SyntheticCoverSet.CSV;
        }

        @Override
        void write(Path out, GeneratorOptions options) {
            SyntheticCoverSet.write(out, options);
        }

        @Override
        PreviewGrid.Tile tile(int i, GeneratorOptions options) {
            return new PreviewGrid.Tile(SyntheticCoverSet.cover(i, options), SyntheticCoverSet.facts(i, options).genre().label());
        }
    }

    @Command(name = "generic", mixinStandardHelpOptions = true,
            description = "Generic shape images with exact captions: captions.csv (index,caption) and images/images/{i}.jpg.")
    static final class Generic extends Generator {
        @Override
        String kind() {
            return "generic";
        }

        @Override
        String csvName() {
            return GenericImageSet.CSV;
        }

        @Override
        void write(Path out, GeneratorOptions options) {
            GenericImageSet.write(out, options);
        }

        @Override
        PreviewGrid.Tile tile(int i, GeneratorOptions options) {
            GenericImageSet.Pair p = GenericImageSet.render(i, options);
            return new PreviewGrid.Tile(p.image(), p.caption());
        }
    }

}
