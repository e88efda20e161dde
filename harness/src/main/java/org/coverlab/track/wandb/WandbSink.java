package org.coverlab.track.wandb;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.OkHttpClient;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.run.JournalEntry;
import org.coverlab.track.Redactor;
import org.coverlab.track.RemoteSink;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunEvent;
import org.coverlab.run.RunInfo;
import org.coverlab.track.RunSource;
import org.coverlab.track.SinkCursorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a run to Weights &amp; Biases over its HTTP API, the way the W&B SDK does: UpsertBucket creates or updates the
 * run (config as a JSON string with {@code _wandb.t}), the file stream carries history rows ({@code _step},
 * {@code _runtime}, {@code _timestamp}), system metrics ({@code wandb-events.jsonl}), the summary and the console log
 * ({@code run.log}) at explicit line offsets,
 * images go up through CreateRunFiles and a PUT to the signed URL and are listed in {@code uploaded}, and the final
 * request says {@code complete} with the exit code.
 *
 * <p>Resume: {@link #open} asks RunResumeStatus where the run's files stand and continues the offsets, the step and
 * the runtime from there. {@code tracking.resume} (or WANDB_RESUME) decides about runs that exist on the server but
 * that this run directory did not create (no sink cursor): allow resumes them, never refuses; must refuses a run that
 * does not exist yet. Steps at or below the last step on the server are dropped, as W&B requires.
 *
 * <p>Checkpoints ({@link RunEvent.Artifact} of kind {@code checkpoint}) become versions of the W&B artifact
 * {@code model-<run>} with the aliases {@code latest} and {@code step-<N>} (see {@link WandbArtifacts}). They go up in
 * a lane of their own ({@link #sendCheckpoints}, beside the file stream), so history never waits for an upload. Other
 * artifacts (reports, the spec, logs) are uploaded as plain run files at their path relative to the run directory,
 * as the SDK's {@code wandb.save} does.
 */
public final class WandbSink implements RemoteSink {

    private static final Logger LOG = LoggerFactory.getLogger(WandbSink.class);
    static final String CONSOLE_LOG = "run.log";
    static final String METADATA_FILE = "wandb-metadata.json";
    static final String CONFIG_FILE = "config.yaml";
    static final String SPEC_FILE = "spec.yaml";

    private final WandbSettings settings;
    /** W&B group and job type of the open run (the study's, unless the environment names them). */
    private String group = "";
    private String jobType = "";
    private final WandbApi api;
    private final WandbArtifacts artifacts;
    private final WandbRunFiles runFiles;
    private final OkHttpClient client;
    private final Redactor redactor;
    private final ObjectMapper json;
    private final Duration heartbeat;
    private final int maxRequestBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    private final RunSource source = RunSource.current(Path.of(""));

    // Set by open; read also by the checkpoint lane (sendCheckpoints), which does not take the stream's lock.
    private volatile Path runDir;
    private volatile String run;
    private volatile String entity;
    private volatile String project;
    /** The server's storage id of the run, once known (sent with later UpsertBuckets, as the SDK does). */
    private String storageId;
    private StreamPosition committed;
    /** This process's writer id for the run (the key of its metadata in the config's {@code _wandb.e}). */
    private final String writerId = WandbMetadata.newWriterId();
    private ScheduledExecutorService heartbeats;
    private volatile long lastPostNanos;
    private boolean finished;
    private boolean stoppedWarned;

    WandbSink(WandbSettings settings, OkHttpClient client, Duration heartbeat, int maxRequestBytes, Clock clock) {
        this.settings = settings;
        this.client = client;
        this.redactor = settings.redactor();
        this.json = jsonMapper();
        this.api = new WandbApi(client, settings.baseUrl(), settings.apiKey(), redactor, json, clock);
        this.artifacts = new WandbArtifacts(api, json);
        this.runFiles = new WandbRunFiles(api, json);
        this.heartbeat = heartbeat;
        this.maxRequestBytes = maxRequestBytes;
        this.clock = clock;
    }

    /** JSON as the SDK writes it: non-finite metrics as bare NaN / Infinity tokens, not as strings. */
    static ObjectMapper jsonMapper() {
        return JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
    }

    /** A sink with the SDK's retry policy and timings. */
    public static WandbSink create(WandbSettings settings) {
        return create(settings, WandbRetryInterceptor.sdkDefaults());
    }

    /** A sink with a given retry interceptor (tests shorten its backoff). */
    public static WandbSink create(WandbSettings settings, WandbRetryInterceptor retries) {
        return new WandbSink(settings, httpClient(retries), Duration.ofSeconds(30), FileStreamRequests.DEFAULT_MAX_BYTES,
                Clock.systemUTC());
    }

    static OkHttpClient httpClient(WandbRetryInterceptor retries) {
        return new OkHttpClient.Builder()
                .addInterceptor(retries)
                .connectTimeout(Duration.ofSeconds(20))
                .readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(120))
                .build();
    }

    @Override
    public String name() {
        return "wandb";
    }

    @Override
    public void open(String runId, String runName, Path dir) throws SinkException {
        lock.lock();
        try {
            runDir = dir;
            storageId = null;
            studyGroup(dir);
            run = settings.runNameFor(runId);
            entity = settings.entity().isBlank() ? defaultEntity() : settings.entity();
            project = settings.project();
            StreamPosition position = new StreamPosition();
            boolean exists = resumeStatus(position);
            boolean ours = new SinkCursorStore(dir).exists(name());
            if (exists && !ours && settings.resume() == TrackingSpec.Resume.NEVER) {
                throw new SinkException("W&B run " + path() + " already exists and tracking.resume is never; use "
                        + "another run id (WANDB_RUN_ID) or set tracking.resume: allow", false, 0, null);
            }
            if (!exists && !ours && settings.resume() == TrackingSpec.Resume.MUST) {
                throw new SinkException("W&B run " + path() + " does not exist and tracking.resume is must; "
                        + "set tracking.resume: allow to create it", false, 0, null);
            }
            upsertRun(exists ? null : WandbConfig.json(Map.of(), json), runName);
            committed = position;
            finished = false;
            LOG.info("wandb: {} run {} ({}){}", exists ? "resumed" : "created", path(), runUrl(),
                    exists ? " at history line " + position.historyOffset + ", step " + position.lastStep() : "");
            startHeartbeat();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(List<JournalEntry> entries) throws SinkException {
        lock.lock();
        try {
            if (committed == null) {
                throw new IllegalStateException("send before open");
            }
            StreamPosition work = committed.copy();
            List<WandbRunFiles.Upload> uploads = new ArrayList<>();
            List<RunEvent.Artifact> checkpoints = new ArrayList<>();
            Map<String, Object> config = null;
            long startedAt = 0;
            Integer exitCode = null;
            int dropped = 0;
            for (JournalEntry entry : entries) {
                RunEvent event = entry.event();
                if (event instanceof RunEvent.Started started) {
                    config = started.config();
                    startedAt = started.timeMillis();
                    work.startSegment(started.timeMillis());
                    exitCode = null;
                } else if (event instanceof RunEvent.Metrics metrics) {
                    Map<String, JsonNode> values = new LinkedHashMap<>();
                    metrics.values().forEach((k, v) -> values.put(k, DoubleNode.valueOf(v)));
                    dropped += work.put(metrics.step(), metrics.timeMillis(), values) ? 0 : 1;
                } else if (event instanceof RunEvent.SystemMetrics system) {
                    work.putEvent(system.timeMillis(), system.values());
                } else if (event instanceof RunEvent.Image image) {
                    dropped += addImage(work, image, uploads) ? 0 : 1;
                } else if (event instanceof RunEvent.Artifact artifact && artifact.kind().equals("checkpoint")) {
                    checkpoints.add(artifact);
                } else if (event instanceof RunEvent.Artifact artifact) {
                    uploads.addAll(runFiles(artifact));
                } else if (event instanceof RunEvent.Summary summary) {
                    Map<String, JsonNode> values = new LinkedHashMap<>();
                    summary.values().forEach((k, v) -> values.put(k, json.valueToTree(v)));
                    work.putSummary(values);
                } else if (event instanceof RunEvent.Finished done) {
                    exitCode = done.exitCode();
                }
            }
            if (config != null) {
                uploads.addAll(sessionFiles(config, startedAt));
            }
            // History, summary, console and media (small files, listed as uploaded with the rows that show them)
            // go first and are kept even if a checkpoint upload below fails: a retried batch then re-sends only the
            // checkpoint, and a slow checkpoint never holds back the metrics logged before it. The run is marked
            // complete only after its checkpoints, as the SDK finishes its uploads before it completes the stream.
            Set<String> uploaded = runFiles.upload(entity, project, run, uploads);
            post(work, uploaded, checkpoints.isEmpty() ? exitCode : null);
            committed = work;
            for (RunEvent.Artifact checkpoint : checkpoints) {
                logCheckpoint(checkpoint);
            }
            if (!checkpoints.isEmpty() && exitCode != null) {
                StreamPosition last = committed.copy();
                post(last, Set.of(), exitCode);
                committed = last;
            }
            finished = exitCode != null;
            if (dropped > 0) {
                LOG.info("wandb: skipped {} entries at steps at or below step {}, which the W&B run already has",
                        dropped, work.lastStep());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean uploadsCheckpointsBeside() {
        return true;
    }

    /**
     * Logs checkpoint versions. Called from the checkpoint lane while {@link #send} streams history: it shares only
     * the run's coordinates with it (set by {@link #open}), so it does not take the stream's lock.
     */
    @Override
    public void sendCheckpoints(List<JournalEntry> entries) throws SinkException {
        if (run == null) {
            throw new IllegalStateException("sendCheckpoints before open");
        }
        for (JournalEntry entry : entries) {
            if (entry.event() instanceof RunEvent.Artifact checkpoint && checkpoint.kind().equals("checkpoint")) {
                logCheckpoint(checkpoint);
            }
        }
    }

    /** Cancels the HTTP calls in flight (uploads, file stream, GraphQL and heartbeats share the one client). */
    @Override
    public void abort() {
        client.dispatcher().cancelAll();
    }

    @Override
    public void close() {
        ScheduledExecutorService beats = heartbeats;
        if (beats != null) {
            beats.shutdownNow();
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** entity/project/run, for messages. */
    String path() {
        return entity + "/" + project + "/" + run;
    }

    private String defaultEntity() throws SinkException {
        JsonNode data = api.graphql("Viewer", WandbQueries.VIEWER, json.createObjectNode(), RetryPolicy.API);
        String viewerEntity = data.path("viewer").path("entity").asText("");
        if (viewerEntity.isBlank()) {
            throw new SinkException("W&B did not name a default entity for this API key; set tracking.entity or WANDB_ENTITY",
                    false, 0, null);
        }
        return viewerEntity;
    }

    /** Reads RunResumeStatus into {@code position}; true when the run exists (bucket with {@code _wandb.t}). */
    private boolean resumeStatus(StreamPosition position) throws SinkException {
        ObjectNode variables = json.createObjectNode();
        variables.put("project", project);
        variables.put("entity", entity);
        variables.put("name", run);
        JsonNode bucket = api.graphql("RunResumeStatus", WandbQueries.RUN_RESUME_STATUS, variables, RetryPolicy.API)
                .path("model").path("bucket");
        if (!bucket.isObject() || !parseJson(bucket.get("wandbConfig")).has("t")) {
            return false;
        }
        storageId = bucket.path("id").asText(null);
        ObjectNode lastRow = lastLine(bucket.get("historyTail"));
        ObjectNode lastEvent = lastLine(bucket.get("eventsTail"));
        JsonNode summary = parseJson(bucket.get("summaryMetrics"));
        long logLines = bucket.path("logLineCount").asLong(0);
        position.resumeFrom(bucket.path("historyLineCount").asLong(0), bucket.path("eventsLineCount").asLong(0), logLines,
                summary.isObject() ? (ObjectNode) summary : json.createObjectNode(), lastRow, lastEvent);
        try {
            position.consoleBytes = ConsoleTail.skipLines(runDir.resolve(CONSOLE_LOG), logLines);
        } catch (IOException e) {
            LOG.warn("wandb: cannot read {}: {}", CONSOLE_LOG, redactor.describe(e));
        }
        return true;
    }

    /**
     * A study member's W&B group is the study's name and its job type the member's spec name (as W&B groups the
     * runs of one experiment); WANDB_RUN_GROUP and WANDB_JOB_TYPE still win, and a run of its own has neither.
     */
    private void studyGroup(Path dir) {
        group = settings.group();
        jobType = settings.jobType();
        RunInfo.Study study = null;
        try {
            if (Files.isRegularFile(dir.resolve("run.json"))) {
                study = new RunDir(dir.getFileName().toString(), dir).readInfo().study();
            }
        } catch (IOException e) {
            LOG.warn("wandb: cannot read the study of {}: {}", dir, e.getMessage());
        }
        if (study != null) {
            group = group.isBlank() ? study.name() : group;
            jobType = jobType.isBlank() ? study.member() : jobType;
        }
    }

    private void upsertRun(String configOrNull, String displayNameOrNull) throws SinkException {
        ObjectNode variables = json.createObjectNode();
        if (storageId != null && !storageId.isBlank()) {
            variables.put("id", storageId);
        }
        variables.put("name", run);
        variables.put("project", project);
        variables.put("entity", entity);
        String displayName = settings.displayName().isBlank() ? displayNameOrNull : settings.displayName();
        if (displayName != null && !displayName.isBlank()) {
            variables.put("displayName", displayName);
        }
        putIfSet(variables, "notes", settings.notes());
        putIfSet(variables, "groupName", group);
        putIfSet(variables, "jobType", jobType);
        if (!settings.tags().isEmpty()) {
            ArrayNode tags = variables.putArray("tags");
            settings.tags().forEach(tags::add);
        }
        if (configOrNull != null) {
            variables.put("config", configOrNull);
        }
        if (displayNameOrNull != null) { // first upsert of this session: who runs it, from which source
            // No state: like the SDK, the server derives it from the file stream (heartbeats, complete, exitcode).
            variables.put("host", source.host());
            variables.put("program", source.program());
            putIfSet(variables, "commit", source.gitCommit());
            putIfSet(variables, "repo", source.gitRemote());
        }
        JsonNode bucket = api.graphql("UpsertBucket", WandbQueries.UPSERT_BUCKET, variables, RetryPolicy.UPSERT)
                .path("upsertBucket").path("bucket");
        if (bucket.hasNonNull("id")) {
            storageId = bucket.path("id").asText();
        }
        String serverEntity = bucket.path("project").path("entity").path("name").asText("");
        String serverProject = bucket.path("project").path("name").asText("");
        if (!serverEntity.isBlank()) {
            entity = serverEntity;
        }
        if (!serverProject.isBlank()) {
            project = serverProject;
        }
    }

    private boolean addImage(StreamPosition work, RunEvent.Image image, List<WandbRunFiles.Upload> uploads) {
        MediaFile media;
        try {
            media = MediaFile.png(WandbRunFiles.resolve(runDir, image.path()), image.key(), image.step());
        } catch (IOException e) {
            LOG.warn("wandb: image {} at step {} not sent: {}", image.key(), image.step(), redactor.describe(e));
            return true; // a local problem; retrying the send cannot fix it
        }
        // Uploaded even when the row is already there: a batch retried after a failed upload must still send it.
        uploads.add(new WandbRunFiles.Upload(media.remotePath(), media.local()));
        return work.put(image.step(), image.timeMillis(), Map.of(image.key(), media.historyValue(image.caption())));
    }

    private void logCheckpoint(RunEvent.Artifact checkpoint) throws SinkException {
        List<WandbArtifacts.Entry> entries;
        try {
            entries = WandbArtifacts.entries(WandbRunFiles.resolve(runDir, checkpoint.path()));
            if (entries.isEmpty()) {
                throw new IOException(checkpoint.path() + " holds no files");
            }
        } catch (IOException e) {
            LOG.warn("wandb: checkpoint {} not logged: {}", checkpoint.path(), redactor.describe(e));
            return;
        }
        boolean uploaded;
        try {
            uploaded = artifacts.logCheckpoint(entity, project, run, checkpoint.step(), checkpoint.path(), entries);
        } catch (SinkException e) {
            if (!java.nio.file.Files.exists(entries.get(0).file())) {
                // Deleted while uploading (pruned): retrying the batch cannot bring it back; its version stays PENDING.
                LOG.warn("wandb: checkpoint {} was deleted during its upload; not logged", checkpoint.path());
                return;
            }
            throw e;
        }
        LOG.info("wandb: checkpoint {} {} artifact {}:latest", checkpoint.path(),
                uploaded ? "logged as" : "unchanged, already in", WandbArtifacts.collectionFor(run));
    }

    /**
     * What the SDK uploads for each session with a run, and the config in UpsertBucket: the run metadata
     * ({@code wandb-metadata.json}, also in the config under {@code _wandb.e}), {@code config.yaml} in the SDK's
     * format, and coverlab's resolved {@code spec.yaml}. Each session overwrites the files of the one before.
     */
    private List<WandbRunFiles.Upload> sessionFiles(Map<String, Object> config, long startedMillis) throws SinkException {
        ObjectNode metadata = WandbMetadata.of(source, java.time.Instant.ofEpochMilli(startedMillis), writerId, json);
        ObjectNode tree = WandbConfig.tree(config, metadata, json);
        upsertRun(WandbConfig.json(tree, json), null);
        List<WandbRunFiles.Upload> files = new ArrayList<>();
        try {
            files.add(WandbRunFiles.Upload.of(METADATA_FILE, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the W&B run metadata", e);
        }
        files.add(WandbRunFiles.Upload.of(CONFIG_FILE, WandbConfig.yaml(tree)));
        if (java.nio.file.Files.isRegularFile(runDir.resolve(SPEC_FILE))) {
            files.add(new WandbRunFiles.Upload(SPEC_FILE, runDir.resolve(SPEC_FILE)));
        }
        return files;
    }

    private List<WandbRunFiles.Upload> runFiles(RunEvent.Artifact artifact) {
        try {
            return WandbRunFiles.filesOf(runDir, artifact.path());
        } catch (IOException e) {
            LOG.warn("wandb: {} {} not uploaded: {}", artifact.kind(), artifact.path(), redactor.describe(e));
            return List.of();
        }
    }

    /** The file-stream requests for a batch: history from the first changed row, console lines, summary, completion. */
    private void post(StreamPosition work, Set<String> uploaded, Integer exitCode) throws SinkException {
        FileStreamRequests requests = new FileStreamRequests(json, maxRequestBytes);
        List<String> rows = work.pendingRows().stream().map(requests::write).toList();
        requests.lines(FileStreamRequests.HISTORY, work.pendingOffset(), rows);
        requests.lines(FileStreamRequests.EVENTS, work.eventsOffset,
                work.pendingEvents().stream().map(requests::write).toList());
        long consoleEnd = work.consoleBytes;
        long outputOffset = work.outputOffset;
        try {
            while (true) {
                ConsoleTail.Chunk chunk = ConsoleTail.read(runDir.resolve(CONSOLE_LOG), consoleEnd, exitCode != null);
                requests.lines(FileStreamRequests.OUTPUT, outputOffset, ConsoleTail.withTimes(chunk.lines(), clock.instant()));
                outputOffset += chunk.lines().size();
                boolean more = chunk.endByte() > consoleEnd && exitCode != null;
                consoleEnd = chunk.endByte();
                if (!more) {
                    break;
                }
            }
        } catch (IOException e) {
            LOG.warn("wandb: console log not sent: {}", redactor.describe(e));
        }
        List<ObjectNode> bodies = requests.finish(work.summaryDirty ? work.summary : null, uploaded, exitCode);
        for (ObjectNode body : bodies) {
            JsonNode reply = api.fileStream(entity, project, run, body);
            lastPostNanos = System.nanoTime();
            noteStopped(reply);
        }
        work.sent();
        work.consoleBytes = consoleEnd;
        work.outputOffset = outputOffset;
    }

    private void startHeartbeat() {
        if (heartbeats != null) {
            return;
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "coverlab-wandb-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        lastPostNanos = System.nanoTime();
        long every = heartbeat.toMillis();
        heartbeats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** An idle run posts {} every heartbeat interval, so W&B does not mark it crashed during long steps. */
    private void beat() {
        if (!lock.tryLock()) {
            return; // a send is in flight, which is a heartbeat too
        }
        try {
            if (finished || committed == null || System.nanoTime() - lastPostNanos < heartbeat.toNanos()) {
                return;
            }
            noteStopped(api.fileStream(entity, project, run, json.createObjectNode(), RetryPolicy.NONE));
            lastPostNanos = System.nanoTime();
        } catch (SinkException e) {
            LOG.debug("wandb: heartbeat failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.debug("wandb: heartbeat failed: {}", redactor.describe(e));
        } finally {
            lock.unlock();
        }
    }

    private void noteStopped(JsonNode reply) {
        if (reply.path("stopped").asBoolean(false) && !stoppedWarned) {
            stoppedWarned = true;
            LOG.warn("wandb: run {} was stopped from the W&B UI; coverlab keeps training and logging (stop it with Ctrl-C)",
                    path());
        }
    }

    private String runUrl() {
        String host = settings.baseUrl().host();
        String app = host.equals("api.wandb.ai") ? "https://wandb.ai"
                : Redactor.safeUrl(settings.baseUrl().newBuilder().encodedPath("/").build().toString()).replaceAll("/$", "");
        return app + "/" + entity + "/" + project + "/runs/" + run;
    }

    /** W&B returns some JSON fields as JSON strings (historyTail, summaryMetrics, wandbConfig); read either form. */
    private JsonNode parseJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return json.createObjectNode();
        }
        if (node.isTextual()) {
            try {
                JsonNode parsed = json.readTree(node.asText());
                return parsed == null ? json.createObjectNode() : parsed;
            } catch (IOException e) {
                return json.createObjectNode();
            }
        }
        return node;
    }

    /** The last line of a file's tail (a JSON string holding a list of JSON strings), or null. */
    private ObjectNode lastLine(JsonNode tailField) {
        JsonNode tail = parseJson(tailField);
        if (!tail.isArray() || tail.isEmpty()) {
            return null;
        }
        JsonNode line = parseJson(tail.get(tail.size() - 1));
        return line.isObject() ? (ObjectNode) line : null;
    }

    static void putIfSet(ObjectNode node, String key, String value) {
        if (value != null && !value.isBlank()) {
            node.put(key, value);
        }
    }

}
