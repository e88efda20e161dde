package org.coverlab.track.mlflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.track.RunSource;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;

/**
 * A study's parent run in MLflow: the members' runs carry {@code mlflow.parentRunId} = its id, so MLflow's UI nests
 * them under it (as MLflow's own {@code start_run(nested=True)} does). It is found again by its
 * {@value #STUDY_ID_TAG} tag (never made twice), holds the study's summary table as the artifact
 * {@value #SUMMARY_ARTIFACT}, and ends FINISHED when every member finished (FAILED when one failed).
 */
public final class MlflowStudyRun {

    public static final String PARENT_TAG = "mlflow.parentRunId";
    public static final String STUDY_ID_TAG = "coverlab.study_id";
    public static final String STUDY_TAG = "coverlab.study";
    public static final String SUMMARY_ARTIFACT = "study-summary.csv";

    private MlflowStudyRun() {}

    /** The parent run of study {@code studyId} in the experiment {@code tracking} names, created when missing. */
    public static String parent(TrackingSpec tracking, Map<String, String> env, String studyId, String studyName,
                                String description) throws SinkException {
        MlflowEndpoint endpoint = MlflowEndpoint.of(tracking, env);
        try (MlflowTrackingApi api = new MlflowTrackingApi(endpoint)) {
            MlflowFailures failures = new MlflowFailures(endpoint.trackingUri(), endpoint.credentials());
            String experimentId = MlflowSink.experimentId(api, failures, endpoint, endpoint.experiment());
            List<RunInfo> existing = api.runsTagged(experimentId, STUDY_ID_TAG, studyId).stream()
                    .filter(r -> !"deleted".equals(r.getLifecycleStage())).toList();
            if (!existing.isEmpty()) {
                return existing.get(0).getRunId();
            }
            RunSource source = RunSource.current(Path.of(""));
            CreateRun.Builder create = CreateRun.newBuilder().setExperimentId(experimentId).setRunName(studyName)
                    .setStartTime(System.currentTimeMillis()).setUserId(source.user())
                    .addTags(MlflowSink.tag(STUDY_ID_TAG, studyId))
                    .addTags(MlflowSink.tag(STUDY_TAG, studyName))
                    .addTags(MlflowSink.tag("mlflow.user", source.user()))
                    .addTags(MlflowSink.tag("mlflow.source.name", MlflowNames.tagValue(source.commandLine())))
                    .addTags(MlflowSink.tag("mlflow.source.type", "LOCAL"));
            if (description != null && !description.isBlank()) {
                create.addTags(MlflowSink.tag("mlflow.note.content", description));
            }
            return api.createRun(create.build()).getRunId();
        }
    }

    /**
     * Uploads the study's summary table ({@value #SUMMARY_ARTIFACT}) to the parent run and, when {@code done} is not
     * null, ends it: FINISHED when every member finished, FAILED otherwise.
     */
    public static void update(TrackingSpec tracking, Map<String, String> env, String parentRunId, Path summaryCsv,
                              Boolean allFinished) throws SinkException {
        MlflowEndpoint endpoint = MlflowEndpoint.of(tracking, env);
        try (MlflowTrackingApi api = new MlflowTrackingApi(endpoint);
             MlflowArtifactClient artifacts = new MlflowArtifactClient(endpoint)) {
            var root = MlflowArtifactClient.proxiedRoot(api.getRun(parentRunId).getInfo().getArtifactUri());
            if (root.isPresent() && Files.isRegularFile(summaryCsv)) {
                artifacts.upload(root.get(), SUMMARY_ARTIFACT, summaryCsv);
            }
            if (allFinished != null) {
                api.updateStatus(parentRunId, allFinished ? RunStatus.FINISHED : RunStatus.FAILED, System.currentTimeMillis());
            }
        }
    }
}
