package org.coverlab.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.coverlab.run.RunStatus;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecException;
import org.coverlab.spec.SpecLoader;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.study.StudyContext;
import org.coverlab.study.StudyCreation;
import org.coverlab.study.StudyStatus;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.track.mlflow.MlflowStudyRun;

/**
 * The study's own presence in the trackers (the members log as any run; W&B groups them by the study name it reads
 * from their run.json): an MLflow parent run made when the study is created, and its summary table sent whenever
 * the table is computed ({@code study run} at the end, {@code study status}), ending the parent once all members did.
 * A tracker that cannot be reached is a warning: the members' own logging does not depend on it.
 */
final class StudyTracking {

    private StudyTracking() {}

    /** The parent-run maker for members logging to MLflow (the first such member's tracking section), or null. */
    static StudyCreation.ParentRun mlflowParent(CliContext ctx, List<StudyCreation.Planned> members, String description) {
        Optional<TrackingSpec> tracking = members.stream().map(p -> p.prepared().spec().tracking())
                .filter(t -> t.remoteBackends().contains(TrackingSpec.Backend.MLFLOW)).findFirst();
        if (tracking.isEmpty()) {
            return null;
        }
        return (studyId, name) -> {
            try {
                return MlflowStudyRun.parent(tracking.get(), ctx.env(), studyId, name, description);
            } catch (SinkException | RuntimeException e) {
                ctx.err().println("coverlab: warning: MLflow parent run for study " + studyId + " not created (" + e.getMessage()
                        + "); the members log to MLflow without it");
                return null;
            }
        };
    }

    /** Sends the summary table to the MLflow parent run, and ends that run when every member has ended. */
    static void summary(CliContext ctx, StudyContext sctx, List<StudyStatus.Row> rows) {
        String parent = sctx.record().mlflowParentRunId();
        if (parent == null || sctx.record().members().isEmpty()) {
            return;
        }
        Path spec = sctx.runsDir().resolve(sctx.record().members().get(0).runId()).resolve("spec.yaml");
        boolean allFinished = rows.stream().allMatch(StudyStatus.Row::finished);
        boolean anyFailedAndNothingLeft = rows.stream().anyMatch(r -> r.status() == RunStatus.FAILED)
                && rows.stream().noneMatch(r -> r.scheduler().active() || r.status() == RunStatus.RUNNING
                        || r.status() == RunStatus.PENDING);
        try {
            ExperimentSpec member = SpecLoader.load(spec, List.of(), new SpecLoader.Options(ctx.cwd(), false));
            MlflowStudyRun.update(member.tracking(), ctx.env(), parent, sctx.dir().summaryCsv(),
                    allFinished ? Boolean.TRUE : anyFailedAndNothingLeft ? Boolean.FALSE : null);
        } catch (SinkException | SpecException | RuntimeException e) {
            ctx.err().println("coverlab: warning: the study table was not sent to MLflow run " + parent + ": " + e.getMessage());
        }
    }
}
