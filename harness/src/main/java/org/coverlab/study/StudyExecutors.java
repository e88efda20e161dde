package org.coverlab.study;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.coverlab.spec.StudySpec;

/** The executors this build has, by kind: one line each. */
public final class StudyExecutors {

    private final Map<StudySpec.Kind, StudyExecutor> byKind = new EnumMap<>(StudySpec.Kind.class);

    public StudyExecutors(List<StudyExecutor> executors) {
        for (StudyExecutor e : executors) {
            byKind.put(e.kind(), e);
        }
    }

    public static StudyExecutors standard() {
        return new StudyExecutors(List.of(
                new LocalExecutor(),
                new org.coverlab.study.slurm.SlurmExecutor()));
    }

    public Optional<StudyExecutor> get(StudySpec.Kind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }
}
