package org.coverlab.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunSession;
import org.coverlab.spec.SpecHash;
import org.coverlab.spec.StudySpec;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.util.AtomicFiles;

/**
 * Creates a study from members that were all checked and planned: the study folder, then every member as a pending
 * run with its id and resolved spec ({@link RunSession#create}), then {@code study.json}. Nothing is submitted here.
 * A failure part-way removes what was made, so a study either exists with all its members or not at all.
 */
public final class StudyCreation {

    /**
     * A member that passed every check run does before creating a run.
     *
     * @param specFile  the spec file, absolute
     * @param overrides the study's {@code set} and the member's sweep point, in order (what made {@code prepared})
     */
    public record Planned(String specFile, List<String> overrides, RunSession.Prepared prepared) {}

    /** What the study is, before it has an id. */
    public record Draft(String name, String description, Path source, String studyText, Path runsDir,
                        StudySpec.Executor executor, List<String> studyWideSet, List<String> stages,
                        String harnessVersion, String mlflowParentRunId) {}

    private StudyCreation() {}

    public static StudyDir create(StudyStore studies, RunSession session, Draft draft, List<Planned> members, Clock clock)
            throws IOException {
        StudyDir dir = studies.createFolder();
        List<RunDir> created = new ArrayList<>();
        try {
            AtomicFiles.writeString(dir.studyFile(), draft.studyText());
            List<StudyMember> recorded = new ArrayList<>();
            for (Planned p : members) {
                var spec = p.prepared().spec();
                RunInfo runDraft = new RunInfo(null, spec.name(), null, p.specFile(), SpecHash.sha256(spec),
                        draft.stages(), spec.tracking().backends().stream().map(TrackingSpec.Backend::key).toList(),
                        p.overrides(), draft.harnessVersion())
                        .withStudy(new RunInfo.Study(dir.id(), draft.name(), spec.name(), draft.mlflowParentRunId()));
                RunDir run = session.create(p.prepared(), runDraft);
                created.add(run);
                recorded.add(new StudyMember(recorded.size(), run.id(), spec.name(), p.specFile(), p.overrides()));
            }
            dir.write(new StudyRecord(dir.id(), draft.name(), draft.description(), clock.instant().toString(),
                    draft.source().toString(), draft.runsDir().toString(), draft.executor(), draft.studyWideSet(),
                    draft.stages(), recorded, draft.mlflowParentRunId()));
            Files.createDirectories(dir.path().resolve("members"));
            AtomicFiles.fsyncDirectory(dir.path());
            return dir;
        } catch (IOException | RuntimeException e) {
            for (RunDir run : created) {
                AtomicFiles.deleteTree(run.path());
            }
            AtomicFiles.deleteTree(dir.path());
            throw e;
        }
    }
}
