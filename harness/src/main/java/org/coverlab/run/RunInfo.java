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
        String harnessVersion) {

    public RunInfo {
        stages = stages == null ? List.of() : List.copyOf(stages);
        trackers = trackers == null ? List.of() : List.copyOf(trackers);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }
}
