package org.coverlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.coverlab.run.RemoteTracking;
import org.coverlab.run.Stage;
import org.coverlab.run.StagePlanException;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.util.BadInputException;

/**
 * Everything {@code coverlab run} decides about a loaded spec before it creates a run folder, shared with
 * {@code coverlab spec check} so that the check says "ok" exactly when run would start: the stages to run (a stage
 * this build lacks: exit 4), the remote trackers (one this build lacks: exit 4; one without its key or URI: exit 2,
 * unless the spec alone names it and sets {@code tracking.required: false}), and each stage's cheap input checks (a
 * corrupt model folder, an unreadable dataset CSV: exit 2).
 */
final class RunPlanner {

    /** The stages to run and the hook feeding the remote trackers (null when the run logs only locally). */
    record Plan(List<Stage> stages, RemoteTracking remote) {}

    private RunPlanner() {
    }

    /**
     * Plans the run: stages, trackers, input checks, in that order, each failure listing every problem.
     *
     * @param trackersFromCommandLine the backends came from {@code --tracker}: they are required whatever the spec says
     * @param checkInputs false only for {@code spec check --no-file-checks}
     */
    static Plan plan(CliContext ctx, ExperimentSpec spec, List<String> stages, boolean trackersFromCommandLine,
                     boolean checkInputs) throws StagePlanException {
        List<Stage> plan = stages(ctx, spec, stages, checkInputs);
        return new Plan(plan, remoteTracking(ctx, spec, trackersFromCommandLine));
    }

    /**
     * The stages to run, each of whose options this build can honour ({@link Stage#checkOptions}) and whose inputs
     * passed their cheap check ({@link Stage#checkInputs}) when asked.
     */
    static List<Stage> stages(CliContext ctx, ExperimentSpec spec, List<String> stages, boolean checkInputs)
            throws StagePlanException {
        List<Stage> plan = ctx.stages().plan(spec, stages);
        List<String> problems = new ArrayList<>();
        for (Stage stage : plan) {
            try {
                stage.checkOptions(spec);
                if (checkInputs) {
                    stage.checkInputs(spec, ctx.settings());
                }
            } catch (BadInputException e) {
                if (!problems.contains(e.getMessage())) { // stages reading the same model say the same thing
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new StagePlanException(StagePlanException.Kind.BAD_INPUT, problems);
        }
        return plan;
    }

    /** The hook feeding the spec's remote backends, or null when it logs only locally. */
    static RemoteTracking remoteTracking(CliContext ctx, ExperimentSpec spec, boolean fromCommandLine)
            throws StagePlanException {
        List<String> missing = new ArrayList<>();
        boolean anyRemote = false;
        for (TrackingSpec.Backend backend : spec.tracking().backends()) {
            if (backend == TrackingSpec.Backend.LOCAL) {
                continue;
            }
            anyRemote = true;
            if (!ctx.remoteTrackers().backends().contains(backend)) {
                missing.add("tracker '" + backend.key() + "' is not available in this build (tracking.backends lists it);"
                        + " use --tracker local or remove it from tracking.backends");
            }
        }
        if (!missing.isEmpty()) {
            throw new StagePlanException(StagePlanException.Kind.UNAVAILABLE, missing);
        }
        if (!anyRemote) {
            return null;
        }
        List<String> setup = ctx.remoteTrackers().setupProblems().apply(spec.tracking());
        if (!setup.isEmpty()) {
            if (fromCommandLine || spec.tracking().required()) {
                String why = fromCommandLine ? " (asked for with --tracker)"
                        : " (tracking.backends lists it; set tracking.required: false to run without it and send the"
                                + " journal later with 'coverlab runs sync')";
                throw new StagePlanException(StagePlanException.Kind.BAD_INPUT,
                        setup.stream().map(p -> p + why).toList());
            }
            for (String problem : setup) {
                ctx.err().println("coverlab: warning: " + problem + "; tracking.required is false, so the run logs "
                        + "locally and 'coverlab runs sync RUN_ID' can send it later");
            }
        }
        return ctx.remoteTrackers().tracking();
    }

    /** Prints a failed plan and returns its exit code: 4 for what this build lacks, else 2. Nothing was created. */
    static int report(CliContext ctx, StagePlanException e) {
        for (String p : e.problems()) {
            ctx.err().println("coverlab: " + p);
        }
        if (e.kind() == StagePlanException.Kind.UNAVAILABLE) {
            String have = ctx.stages().names().stream().filter(ctx.stages()::isAvailable).collect(Collectors.joining(", "));
            ctx.err().println("coverlab: this build implements the stages: " + have
                    + " ('--stages test' runs the harness demo loop); no run was created");
            return ExitCodes.UNAVAILABLE;
        }
        ctx.err().println("coverlab: no run was created");
        return ExitCodes.BAD_INPUT;
    }
}
