package org.coverlab.study;

import java.util.List;

/**
 * One member of a study: an ordinary run, created (pending) with its id before any executor sees it.
 *
 * @param index     position in the study, 0-based (a Slurm array index, a row of the status table)
 * @param runId     the member's run id in the study's runs folder; {@code coverlab run --resume ID} starts or continues it
 * @param spec      the spec's name (its role in the study: W&B job_type, the MLflow child run's name)
 * @param specFile  the spec file it was made from, absolute
 * @param overrides the --set overrides that made it (the study's {@code set}, then its sweep point), in order
 */
public record StudyMember(int index, String runId, String spec, String specFile, List<String> overrides) {

    public StudyMember {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    /** The sweep point of this member, i.e. its overrides beyond the study-wide ones, for display. */
    public List<String> sweepOverrides(List<String> studyWide) {
        return overrides.subList(Math.min(studyWide.size(), overrides.size()), overrides.size());
    }
}
