package org.coverlab.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.coverlab.bench.Rows;
import org.coverlab.bench.SideBySide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab bench compare}: the side-by-side table against PyTorch + diffusers (scripts/bench runs it). */
@Command(name = "compare",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Java against PyTorch + diffusers on the same rows, folder, covers and threads, alternating A B A B.",
                "Prints a markdown table: median throughput and spread per side, the Java/Python ratio and peak RSS. "
                        + "--scaling prints the Java training-step scaling table (batch and resolution) instead."},
        footer = {"", "Examples:",
                "  scripts/bench                                  # the full table (creates the Python venv if needed)",
                "  coverlab bench compare --python /work/.venv-ref/bin/python --rows unet_train_b1,data",
                "  coverlab bench compare --scaling",
                "", ExitCodes.HELP_SECTION})
public final class BenchCompareCommand implements Callable<Integer> {

    @ParentCommand
    BenchCommand parent;

    @Option(names = "--python", defaultValue = "python3", paramLabel = "PY",
            description = "Python interpreter with torch, diffusers, transformers, torchvision. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N",
            description = "Intra-op threads on both sides. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N", description = "Timed A B rounds per row. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "Target length of one timed run (at least one iteration). Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--rows", split = ",", paramLabel = "NAME", description = "Only these rows (names as in the table's first column key: unet_train_b1, unet_train_b8, te_train_b1, ddim_cfg_b4, sd15_unet_step, vae_encode_b8, fid_features_b8, frechet_2048, data).")
    List<String> only;

    @Option(names = "--no-sd15", description = "Leave out the SD1.5-shaped UNet step (about 4 GB per side).")
    boolean noSd15;

    @Option(names = "--scaling", description = "Java only: training examples/s and peak RSS against batch (1..16) and resolution.")
    boolean scaling;

    @Option(names = "--work", defaultValue = "harness/target/bench", paramLabel = "DIR",
            description = "Where the shared tiny model folder and covers are made once. Default: ${DEFAULT-VALUE} under the repository.")
    Path work;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        if (threads < 1 || rounds < 1 || !(seconds > 0)) {
            ctx.err().println("coverlab bench compare: --threads and --rounds must be >= 1 and --seconds > 0");
            return ExitCodes.BAD_INPUT;
        }
        List<Rows.Row> rows = scaling ? Rows.scaling() : Rows.standard(!noSd15);
        if (only != null) {
            List<String> known = rows.stream().map(Rows.Row::name).toList();
            for (String name : only) {
                if (!known.contains(name)) {
                    ctx.err().println("coverlab bench compare: unknown row '" + name + "'; rows: " + String.join(", ", known));
                    return ExitCodes.BAD_INPUT;
                }
            }
            rows = rows.stream().filter(r -> only.contains(r.name())).toList();
        }
        Path home = Path.of(System.getProperty("coverlab.home", "."));
        Path dir = work.isAbsolute() ? work : home.resolve(work);
        new SideBySide(new SideBySide.Options(dir, python, threads, rounds, seconds, rows, scaling), ctx.out()).run();
        return ExitCodes.OK;
    }
}
