package org.coverlab.run;

import java.util.List;

/**
 * What a run is ({@code run.json}), written once when the run is created and never changed: a resume re-reads it so
 * the run continues with the same spec, stages and trackers it started with.
 *
 * @param specSource    the spec file the run was started from, as given (for people; the run uses its own spec.yaml)
 * @param specSha256    {@code SpecHash.sha256} of the resolved spec; a resume refuses a spec.yaml that no longer matches
 * @param stages        the stage names selected with {@code --stages}, or empty for the spec's own pipeline
 * @param trackers      tracking backends in use (local always first)
 * @param overrides     the {@code --set} overrides applied on top of the spec file
 * @param provenance    the weights the spec resolved to and the environment; null in runs made before it was recorded
 * @param study         the study this run is a member of, or null for a run of its own
 */
public record RunInfo(
        String id,
        String name,
        String createdAt,
        String specSource,
        String specSha256,
        List<String> stages,
        List<String> trackers,
        List<String> overrides,
        String harnessVersion,
        RunProvenance provenance,
        Study study) {

    /**
     * Study membership: the study's id and name, the member's spec name (its role in the study), and the MLflow
     * parent run the study created (null when the study does not log to MLflow).
     */
    public record Study(String id, String name, String member, String mlflowParentRunId) {}

    /** A run.json without study membership. */
    public RunInfo(String id, String name, String createdAt, String specSource, String specSha256, List<String> stages,
                   List<String> trackers, List<String> overrides, String harnessVersion, RunProvenance provenance) {
        this(id, name, createdAt, specSource, specSha256, stages, trackers, overrides, harnessVersion, provenance, null);
    }

    /** A run.json without provenance (how runs were recorded before it existed; drafts before it is resolved). */
    public RunInfo(String id, String name, String createdAt, String specSource, String specSha256, List<String> stages,
                   List<String> trackers, List<String> overrides, String harnessVersion) {
        this(id, name, createdAt, specSource, specSha256, stages, trackers, overrides, harnessVersion, null, null);
    }

    public RunInfo withProvenance(RunProvenance p) {
        return new RunInfo(id, name, createdAt, specSource, specSha256, stages, trackers, overrides, harnessVersion, p, study);
    }

    public RunInfo withStudy(Study s) {
        return new RunInfo(id, name, createdAt, specSource, specSha256, stages, trackers, overrides, harnessVersion, provenance, s);
    }

    public RunInfo {
        stages = stages == null ? List.of() : List.copyOf(stages);
        trackers = trackers == null ? List.of() : List.copyOf(trackers);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }
}
