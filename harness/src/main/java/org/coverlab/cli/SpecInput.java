package org.coverlab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecException;
import org.coverlab.spec.SpecIssue;
import org.coverlab.spec.SpecLoader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spec arguments of {@code coverlab spec check|show}: the file, {@code --set} overrides, file checks on or off. */
public final class SpecInput {

    @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment spec (YAML); relative to the current directory.")
    Path specFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = {"Override a spec key given by its dotted path;", "repeatable, applied in order.",
                    "Example: --set train.epochs=2"})
    List<String> overrides = new ArrayList<>();

    @Option(names = "--no-file-checks",
            description = "Do not require the files the spec names (model folder, dataset, reference statistics) to exist,"
                    + " e.g. to inspect a spec on a machine without the data.")
    boolean noFileChecks;

    /** The loaded spec, or null after printing every issue to the context's stderr. */
    ExperimentSpec load(CliContext ctx, String command) {
        return load(ctx, command, List.of());
    }

    /** As {@link #load(CliContext, String)}, with {@code extraSets} applied after the user's {@code --set}s. */
    ExperimentSpec load(CliContext ctx, String command, List<String> extraSets) {
        Path path = ctx.cwd().resolve(specFile).normalize();
        SpecLoader.Options options = new SpecLoader.Options(ctx.cwd(), !noFileChecks);
        List<String> sets = new ArrayList<>(overrides);
        sets.addAll(extraSets);
        try {
            return SpecLoader.load(path, sets, options);
        } catch (SpecException e) {
            List<SpecIssue> issues = e.issues();
            ctx.err().println(command + ": " + path + ": " + issues.size() + (issues.size() == 1 ? " problem:" : " problems:"));
            for (SpecIssue issue : issues) {
                ctx.err().println("  " + issue);
            }
            return null;
        }
    }
}
