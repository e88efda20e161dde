package org.coverlab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.RunDir;
import org.coverlab.run.UnknownRunException;
import org.coverlab.stages.train.TrainedModelExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code coverlab model export RUN_ID[@STEP] OUT}: a fine-tuned model as a full diffusers folder. */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Write a run's fine-tuned model as a full diffusers Stable Diffusion folder (loads in "
                + "diffusers' StableDiffusionPipeline): the base model with the trained components from the latest "
                + "training checkpoint, or the one at @STEP; EMA weights when the run kept an EMA."},
        footer = {"", "Examples:", "  coverlab model export k3x9a2b7 exported/te-2ep",
                "  coverlab model export k3x9a2b7@250 exported/te-step250", "", ExitCodes.HELP_SECTION})
public final class ModelExportCommand implements Callable<Integer> {

    @ParentCommand
    ModelCommand parent;

    @Parameters(index = "0", paramLabel = "RUN_ID[@STEP]", description = "The run, optionally a checkpoint's step.")
    String run;

    @Parameters(index = "1", paramLabel = "OUT", description = "Folder to write (replaced if it exists).")
    Path out;

    @Mixin
    RunsDirOption runsDir;

    @Override
    public Integer call() {
        CliContext ctx = parent.context();
        String id = run;
        Long step = null;
        int at = run.indexOf('@');
        if (at >= 0) {
            id = run.substring(0, at);
            try {
                step = Long.parseLong(run.substring(at + 1));
            } catch (NumberFormatException e) {
                ctx.err().println("coverlab model export: '" + run + "': the part after @ must be a step number");
                return ExitCodes.BAD_INPUT;
            }
        }
        try {
            RunDir dir = runsDir.store(ctx).find(id);
            Checkpoint c = TrainedModelExport.checkpoint(dir, step);
            Path target = ctx.cwd().resolve(out);
            TrainedModelExport.export(c, target);
            ctx.out().println("exported run " + id + " at update " + c.step() + " to " + target);
            return ExitCodes.OK;
        } catch (UnknownRunException | IllegalArgumentException e) {
            ctx.err().println("coverlab model export: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (java.io.IOException e) {
            ctx.err().println("coverlab model export: " + e.getMessage());
            return ExitCodes.RUN_FAILED;
        }
    }
}
