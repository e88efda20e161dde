package org.coverlab.study;

import java.util.List;
import org.coverlab.spec.StudySpec;

/**
 * What a study is ({@code studies/<id>/study.json}), written once when it is created: its members and where they run.
 *
 * @param source            the study file it was created from, absolute
 * @param runsDir           the runs folder holding the members, absolute
 * @param executor          the executor settings it was submitted with ({@code kind} after {@code --executor})
 * @param studyWideSet      the study file's {@code set} overrides (every member's first overrides)
 * @param stages            the --stages every member runs (empty: each spec's pipeline)
 * @param mlflowParentRunId the MLflow parent run of the members, or null when the study does not log to MLflow
 */
public record StudyRecord(String id, String name, String description, String createdAt, String source, String runsDir,
                          StudySpec.Executor executor, List<String> studyWideSet, List<String> stages,
                          List<StudyMember> members, String mlflowParentRunId) {

    public StudyRecord {
        studyWideSet = studyWideSet == null ? List.of() : List.copyOf(studyWideSet);
        stages = stages == null ? List.of() : List.copyOf(stages);
        members = members == null ? List.of() : List.copyOf(members);
    }

    public StudyRecord withExecutor(StudySpec.Executor e) {
        return new StudyRecord(id, name, description, createdAt, source, runsDir, e, studyWideSet, stages, members,
                mlflowParentRunId);
    }
}
