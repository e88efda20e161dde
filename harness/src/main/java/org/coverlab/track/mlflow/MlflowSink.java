package org.coverlab.track.mlflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.run.JournalEntry;
import org.coverlab.track.RemoteSink;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunEvent;
import org.coverlab.track.RunSource;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors a coverlab run into an MLflow tracking server: one MLflow run per coverlab run, in the experiment named by
 * {@code tracking.project}.
 *
 * <p>The sink keeps no state of its own. {@link #open} finds the MLflow run by its {@value #RUN_ID_TAG} tag (creating it
 * only if none exists, so a resumed run or {@code coverlab runs sync} never makes a second one) and reads what the
 * server already holds: the latest step of every metric and the logged params. {@link #send} then skips what is
 * already there: a metric value whose step is at or below the server's latest step for that key, a param with the same
 * value. After any failed call the sink re-reads the server before the sender's retry, because the failed request may
 * have been applied even though its answer was lost. A run resumed from an older checkpoint therefore keeps, in MLflow,
 * the values first sent for the steps it repeats (the local journal has the resumed values); later steps continue.
 *
 * <p>Mapping: Started → params (the flattened config; see {@link MlflowNames} for what is cut or skipped) and status
 * RUNNING; Metrics → metrics at the event's step; Image → artifact {@code images/<key>/step-<step>.<ext>}; Artifact →
 * the file, or every file of a folder (checkpoints), at its path relative to the run directory; Summary → numbers as
 * metrics at the latest step, other values as {@code summary.<key>} tags; Finished → status FINISHED, FAILED or KILLED
 * and tag {@code coverlab.exit_code}; SystemMetrics → not sent (they go to W&B's events stream only). A param whose value differs from the one already on the server (params are
 * immutable in MLflow) keeps the server value; the new one is recorded as tag {@code coverlab.param_conflict.<key>}.
 */
public final class MlflowSink implements RemoteSink {

    public static final String RUN_ID_TAG = "coverlab.run_id";
    static final String CONFLICT_TAG_PREFIX = "coverlab.param_conflict.";
    static final String SPEC = "spec.yaml";
    static final String RUN_LOG = "run.log";
    /** Config values that are absolute paths of this machine go to tags with this prefix, not to params. */
    static final String PATH_TAG_PREFIX = "coverlab.path.";

    private static final Logger LOG = LoggerFactory.getLogger(MlflowSink.class);

    private final MlflowEndpoint endpoint;
    private final MlflowTrackingApi api;
    private final MlflowArtifactClient artifacts;
    private final MlflowFailures failures;
    private final Set<String> warned = new HashSet<>();
    private final RunSource source = RunSource.current(Path.of(""));

    private Path runDir;
    /** Written by the sender thread, read by {@link #mlflowRunId} from others. */
    private volatile RunInfo run;
    private Optional<String> artifactRoot = Optional.empty();
    /** Latest step per metric key on the server, as of the last read. */
    private final Map<String, Long> serverSteps = new HashMap<>();
    private final Map<String, String> serverParams = new HashMap<>();
    private RunStatus serverStatus;
    private long latestStep;
    private boolean stale;
    private LogBatchBuffer batch;

    public MlflowSink(MlflowEndpoint endpoint) {
        this.endpoint = endpoint;
        this.api = new MlflowTrackingApi(endpoint);
        this.artifacts = new MlflowArtifactClient(endpoint);
        this.failures = new MlflowFailures(endpoint.trackingUri(), endpoint.credentials());
    }

    /** The sink for a spec's tracking section, with credentials from {@code env} (normally System.getenv()). */
    public static MlflowSink forSpec(TrackingSpec tracking, Map<String, String> env) {
        return new MlflowSink(MlflowEndpoint.of(tracking, env));
    }

    @Override
    public String name() {
        return "mlflow";
    }

    /** The MLflow run id once {@link #open} has returned. */
    public String mlflowRunId() {
        return run == null ? null : run.getRunId();
    }

    @Override
    public void open(String runId, String runName, Path runDir) throws SinkException {
        this.runDir = runDir;
        String experimentId = experimentId(endpoint.experiment());
        RunInfo found = existingRun(experimentId, runId);
        if (found == null) {
            CreateRun.Builder create = CreateRun.newBuilder()
                    .setExperimentId(experimentId)
                    .setRunName(runName)
                    .setStartTime(System.currentTimeMillis())
                    .setUserId(source.user())
                    .addTags(tag(RUN_ID_TAG, runId))
                    .addTags(tag("mlflow.user", source.user()))
                    .addTags(tag("mlflow.source.name", MlflowNames.tagValue(source.commandLine())))
                    .addTags(tag("mlflow.source.type", "LOCAL"));
            studyTags(runDir).forEach((k, v) -> create.addTags(tag(k, v)));
            found = api.createRun(create.build());
            LOG.info("mlflow: created run {} in experiment '{}' (id {}) for coverlab run {}", found.getRunId(),
                    endpoint.experiment(), experimentId, runId);
        } else {
            LOG.info("mlflow: continuing run {} in experiment '{}' (id {}) for coverlab run {}", found.getRunId(),
                    endpoint.experiment(), experimentId, runId);
        }
        this.run = found;
        this.batch = new LogBatchBuffer((m, p, t) -> api.logBatch(run.getRunId(), m, p, t));
        readServerState();
    }

    private String experimentId(String name) throws SinkException {
        return experimentId(api, failures, endpoint, name);
    }

    /** The id of experiment {@code name}, created when missing (another process may create it at the same moment). */
    static String experimentId(MlflowTrackingApi api, MlflowFailures failures, MlflowEndpoint endpoint, String name)
            throws SinkException {
        Optional<Experiment> experiment = api.experimentByName(name);
        if (experiment.isEmpty()) {
            try {
                String id = api.createExperiment(name);
                LOG.info("mlflow: created experiment '{}' ({})", name, id);
                return id;
            } catch (SinkException e) {
                // Another process may have created it between the two calls.
                experiment = api.experimentByName(name);
                if (experiment.isEmpty()) {
                    throw e;
                }
            }
        }
        Experiment exp = experiment.get();
        if ("deleted".equals(exp.getLifecycleStage())) {
            throw failures.notRetryable("MLflow experiment '" + name + "' (id " + exp.getExperimentId() + ") at "
                    + endpoint.trackingUri() + " is deleted: restore it, or set tracking.project to another name");
        }
        return exp.getExperimentId();
    }

    private RunInfo existingRun(String experimentId, String runId) throws SinkException {
        List<RunInfo> tagged = api.runsTagged(experimentId, RUN_ID_TAG, runId);
        List<RunInfo> active = tagged.stream().filter(r -> !"deleted".equals(r.getLifecycleStage())).toList();
        if (active.isEmpty() && !tagged.isEmpty()) {
            throw failures.notRetryable("the MLflow run " + tagged.get(0).getRunId() + " of coverlab run " + runId
                    + " is deleted in experiment '" + endpoint.experiment() + "': restore it (mlflow runs restore "
                    + "--run-id " + tagged.get(0).getRunId() + ") or delete it permanently (mlflow gc) to start afresh");
        }
        if (active.size() > 1) {
            LOG.warn("mlflow: {} runs carry {}={}; using the oldest, {}", active.size(), RUN_ID_TAG, runId,
                    active.get(0).getRunId());
        }
        return active.isEmpty() ? null : active.get(0);
    }

    /** Re-reads what the server holds for the run: latest step per metric, params, status, artifact location. */
    private void readServerState() throws SinkException {
        Run current = api.getRun(run.getRunId());
        run = current.getInfo();
        serverSteps.clear();
        current.getData().getMetricsList().forEach(m -> serverSteps.merge(m.getKey(), m.getStep(), Math::max));
        serverParams.clear();
        current.getData().getParamsList().forEach(p -> serverParams.put(p.getKey(), p.getValue()));
        serverStatus = run.getStatus();
        latestStep = Math.max(latestStep, serverSteps.values().stream().mapToLong(Long::longValue).max().orElse(0));
        artifactRoot = MlflowArtifactClient.proxiedRoot(run.getArtifactUri());
        if (artifactRoot.isEmpty()) {
            warnOnce("artifact-store", "mlflow: run artifacts live at " + run.getArtifactUri() + ", which only the Python "
                    + "client can write; images, reports and checkpoints will not be uploaded (start the server with "
                    + "artifact serving, i.e. without --no-serve-artifacts)");
        }
        stale = false;
    }

    @Override
    public void send(List<JournalEntry> entries) throws SinkException {
        if (run == null) {
            throw new IllegalStateException("MlflowSink.send before open");
        }
        try {
            if (stale) {
                readServerState();
            }
            for (JournalEntry entry : entries) {
                apply(entry.event());
            }
            batch.flush();
        } catch (SinkException e) {
            stale = true;
            batch.clear();
            throw e;
        }
    }

    private void apply(RunEvent event) throws SinkException {
        if (event instanceof RunEvent.Started s) {
            started(s);
        } else if (event instanceof RunEvent.Metrics m) {
            metrics(m.step(), m.timeMillis(), m.values());
        } else if (event instanceof RunEvent.Image i) {
            image(i);
        } else if (event instanceof RunEvent.Artifact a) {
            artifact(a);
        } else if (event instanceof RunEvent.Summary s) {
            summary(s);
        } else if (event instanceof RunEvent.Finished f) {
            finished(f);
        }
    }

    private void started(RunEvent.Started s) throws SinkException {
        systemTags(s.config());
        uploadRunFile(SPEC);
        for (Map.Entry<String, Object> e : new TreeMap<>(s.config()).entrySet()) {
            String key = e.getKey();
            if (key.startsWith("tracking.") || key.equals("description")) {
                continue; // where the run is mirrored is no experiment parameter; the description is the run's note
            }
            if (e.getValue() == null || "".equals(e.getValue())) {
                continue; // an unset setting: MLflow shows no empty params
            }
            if (e.getValue() instanceof String text && isAbsolutePath(text)) {
                // A machine's path is no parameter to compare runs by; kept as a tag
                addTag(PATH_TAG_PREFIX + key, text);
                continue;
            }
            Optional<String> problem = MlflowNames.keyProblem(key);
            if (problem.isPresent()) {
                warnOnce("param:" + key, "mlflow: config key '" + key + "' is not logged as a param: " + problem.get());
                continue;
            }
            String value = MlflowNames.paramValue(e.getValue());
            String onServer = serverParams.get(key);
            if (onServer == null) {
                batch.add(Param.newBuilder().setKey(key).setValue(value).build());
                serverParams.put(key, value);
            } else if (!onServer.equals(value)) {
                warnOnce("conflict:" + key, "mlflow: param '" + key + "' is already logged with another value and MLflow "
                        + "params cannot change; keeping '" + MlflowNames.cut(onServer, 80) + "', the new value is in tag "
                        + CONFLICT_TAG_PREFIX + key);
                addTag(CONFLICT_TAG_PREFIX + key, value);
            }
        }
        if (s.resumed()) {
            addTag("coverlab.resumed", "true");
        }
        if (serverStatus != RunStatus.RUNNING) {
            batch.flush();
            api.updateStatus(run.getRunId(), RunStatus.RUNNING, null);
            serverStatus = RunStatus.RUNNING;
        }
    }

    /** The dataset the run prepared ({@value DatasetInputs#PROVENANCE}) as the run's input, and that file as an artifact. */
    private void datasetInput() throws SinkException {
        Path provenance = runDir.resolve(DatasetInputs.PROVENANCE);
        Optional<org.mlflow.api.proto.Service.DatasetInput> input;
        try {
            input = DatasetInputs.fromProvenance(provenance);
        } catch (IOException e) {
            warnOnce("dataset", "mlflow: the dataset provenance " + provenance + " cannot be read (" + e.getMessage()
                    + "); the run has no dataset input");
            return;
        }
        if (input.isPresent()) {
            batch.flush();
            api.logInputs(org.mlflow.api.proto.Service.LogInputs.newBuilder().setRunId(run.getRunId())
                    .addDatasets(input.get()).build());
        }
        uploadFile(provenance, DatasetInputs.PROVENANCE, false);
    }

    /** The tags MLflow's own clients set: who ran it, from which source and commit, and the run's description. */
    private void systemTags(Map<String, Object> config) throws SinkException {
        addTag("mlflow.user", source.user());
        addTag("mlflow.source.name", source.commandLine());
        addTag("mlflow.source.type", "LOCAL");
        if (!source.gitCommit().isEmpty()) {
            addTag("mlflow.source.git.commit", source.gitCommit());
        }
        if (!source.gitRemote().isEmpty()) {
            addTag("mlflow.source.git.repoURL", source.gitRemote());
        }
        Object description = config.get("description");
        if (description != null && !description.toString().isBlank()) {
            addTag("mlflow.note.content", description.toString());
        }
    }

    static boolean isAbsolutePath(String text) {
        return text.startsWith("/") || text.matches("^[A-Za-z]:[\\\\/].*") || text.startsWith("\\\\");
    }

    private void metrics(long step, long timeMillis, Map<String, ? extends Number> values) throws SinkException {
        latestStep = Math.max(latestStep, step);
        for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
            String key = e.getKey();
            Optional<String> problem = MlflowNames.keyProblem(key);
            if (problem.isPresent()) {
                warnOnce("metric:" + key, "mlflow: metric '" + key + "' is not logged: " + problem.get());
                continue;
            }
            Long onServer = serverSteps.get(key);
            if (onServer != null && step <= onServer) {
                continue; // already on the server (a replay)
            }
            batch.add(Metric.newBuilder().setKey(key).setValue(e.getValue().doubleValue()).setTimestamp(timeMillis)
                    .setStep(step).build());
        }
    }

    private void image(RunEvent.Image i) throws SinkException {
        String name = Path.of(i.path()).getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot >= 0 ? name.substring(dot) : ".png";
        String remote = "images/" + MlflowNames.pathSegment(i.key()) + "/step-" + String.format(Locale.ROOT, "%08d", i.step())
                + ext;
        uploadFile(runDir.resolve(i.path()), remote, false);
        // The grid's folder (grid.json, one PNG per image) at its path in the run directory.
        Path folder = runDir.resolve(i.path()).normalize().getParent();
        if (folder != null && folder.startsWith(runDir.normalize()) && !folder.equals(runDir.normalize())) {
            artifact(new RunEvent.Artifact(i.timeMillis(), i.step(), "samples",
                    runDir.normalize().relativize(folder).toString().replace('\\', '/')));
        }
    }

    private void artifact(RunEvent.Artifact a) throws SinkException {
        Path local = runDir.resolve(a.path()).normalize();
        String remoteBase = local.startsWith(runDir.normalize()) && !local.equals(runDir.normalize())
                ? runDir.normalize().relativize(local).toString().replace('\\', '/')
                : MlflowNames.pathSegment(a.kind()) + "/" + MlflowNames.pathSegment(local.getFileName().toString());
        // Checkpoint files never change once written, so a file of the same size on the server is the same file;
        // skipping it keeps a replay from re-uploading gigabytes.
        boolean skipSameSize = "checkpoint".equals(a.kind());
        if (Files.isDirectory(local)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(local)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                warnOnce("artifact:" + a.path(), "mlflow: cannot read " + local + " (" + e.getMessage() + "); not uploaded");
                return;
            }
            for (Path f : files) {
                uploadFile(f, remoteBase + "/" + local.relativize(f).toString().replace('\\', '/'), skipSameSize);
            }
        } else {
            uploadFile(local, remoteBase, skipSameSize);
        }
    }

    /** A file every run folder has (spec.yaml, run.log), at its own name; none in a bare folder (tests). */
    private void uploadRunFile(String name) throws SinkException {
        if (Files.isRegularFile(runDir.resolve(name))) {
            uploadFile(runDir.resolve(name), name, false);
        }
    }

    private void uploadFile(Path file, String remote, boolean skipSameSize) throws SinkException {
        if (artifactRoot.isEmpty()) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            // Retrying cannot bring a deleted file back (e.g. an old checkpoint pruned before the sync caught up).
            warnOnce("missing:" + file, "mlflow: " + file + " no longer exists; not uploaded");
            return;
        }
        batch.flush(); // keep journal order between batched values and artifacts
        String root = artifactRoot.get();
        if (skipSameSize && sameSizeOnServer(root, remote, file)) {
            return;
        }
        artifacts.upload(root, remote, file);
    }

    private boolean sameSizeOnServer(String root, String remote, Path file) throws SinkException {
        int slash = remote.lastIndexOf('/');
        String dir = slash < 0 ? "" : remote.substring(0, slash);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return false;
        }
        for (MlflowArtifactClient.Entry entry : artifacts.list(root, dir)) {
            if (!entry.isDir() && entry.path().equals(remote) && entry.size() == size) {
                return true;
            }
        }
        return false;
    }

    private void summary(RunEvent.Summary s) throws SinkException {
        if (s.values().containsKey(DatasetInputs.SUMMARY_KEY)) {
            datasetInput();
        }
        Map<String, Double> numbers = new HashMap<>();
        for (Map.Entry<String, Object> e : s.values().entrySet()) {
            if (e.getValue() instanceof Number n) {
                numbers.put(e.getKey(), n.doubleValue());
            } else if (MlflowNames.keyProblem("summary." + e.getKey()).isEmpty()) {
                addTag("summary." + e.getKey(), String.valueOf(e.getValue()));
            }
        }
        metrics(latestStep, s.timeMillis(), numbers);
    }

    private void finished(RunEvent.Finished f) throws SinkException {
        RunStatus status = switch (f.status().toLowerCase(Locale.ROOT)) {
            case "finished" -> RunStatus.FINISHED;
            case "killed" -> RunStatus.KILLED;
            default -> RunStatus.FAILED;
        };
        addTag("coverlab.exit_code", Integer.toString(f.exitCode()));
        uploadRunFile(RUN_LOG);
        batch.flush();
        api.updateStatus(run.getRunId(), status, f.timeMillis());
        serverStatus = status;
    }

    private void addTag(String key, String value) throws SinkException {
        if (MlflowNames.keyProblem(key).isPresent()) {
            warnOnce("tag:" + key, "mlflow: tag '" + key + "' is not a valid MLflow key; not logged");
            return;
        }
        batch.add(tag(key, MlflowNames.tagValue(value)));
    }

    /**
     * A study member's tags: the study's id and name, and {@code mlflow.parentRunId} (the study's parent run, which
     * MLflow's UI nests the member under) when the study created one.
     */
    private static Map<String, String> studyTags(Path runDir) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        try {
            if (runDir == null || !Files.isRegularFile(runDir.resolve("run.json"))) {
                return tags;
            }
            org.coverlab.run.RunInfo.Study study = new RunDir(runDir.getFileName().toString(), runDir).readInfo().study();
            if (study != null) {
                tags.put(MlflowStudyRun.STUDY_ID_TAG, study.id());
                tags.put(MlflowStudyRun.STUDY_TAG, study.name());
                if (study.mlflowParentRunId() != null) {
                    tags.put(MlflowStudyRun.PARENT_TAG, study.mlflowParentRunId());
                }
            }
        } catch (IOException e) {
            LOG.warn("mlflow: cannot read the study of {}: {}", runDir, e.getMessage());
        }
        return tags;
    }

    static RunTag tag(String key, String value) {
        return RunTag.newBuilder().setKey(key).setValue(value).build();
    }

    private void warnOnce(String id, String message) {
        if (warned.add(id)) {
            LOG.warn(endpoint.credentials().redact(message));
        }
    }

    @Override
    public void abort() {
        api.cancelCalls();
        artifacts.cancelCalls();
    }

    @Override
    public void close() {
        api.close();
        artifacts.close();
    }
}
