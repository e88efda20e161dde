package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.coverlab.util.Sha256;
import org.coverlab.run.RunJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.coverlab.run.RemoteTracking;
import org.coverlab.spec.TrackingSpec;
import java.util.stream.Stream;
import org.coverlab.stages.Pipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI in-process: exit codes, messages, and that refused commands create nothing. */
class CliTest {

    @TempDir
    Path cwd;

    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @BeforeEach
    void streams() {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        System.setProperty("coverlab.test.stepMillis", "0");
        System.setProperty("coverlab.test.steps", "12");
    }

    @AfterEach
    void clearTestStageSettings() {
        System.clearProperty("coverlab.test.stepMillis");
        System.clearProperty("coverlab.test.steps");
    }

    /** The stages the in-process CLI is built with (a test may leave one out). */
    private Pipeline pipeline = Pipeline.standard();

    private int coverlab(String... args) {
        return coverlabWith(RemoteTrackers.NONE, args);
    }

    private int coverlabWith(RemoteTrackers trackers, String... args) {
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), cwd, false, pipeline, trackers, Clock.systemUTC(), false);
        return CoverlabCommand.execute(ctx, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path demoSpec() throws Exception {
        return Files.writeString(cwd.resolve("demo.yaml"), """
                name: cli-demo
                train:
                  checkpoint_every: 5
                sample:
                  every: never
                eval:
                  metrics: []
                """);
    }

    private String onlyRunId() throws Exception {
        try (Stream<Path> runs = Files.list(cwd.resolve("runs"))) {
            return runs.map(p -> p.getFileName().toString()).findFirst().orElseThrow();
        }
    }

    @Test
    void aBadSpecListsEveryIssueExitsTwoAndCreatesNoRunFolder() throws Exception {
        Files.writeString(cwd.resolve("bad.yaml"), """
                name: bad
                train:
                  epochs: -1
                  batch_sise: 4
                """);
        int code = coverlab("run", "bad.yaml", "--set", "sample.steps=0", "--stages", "test");
        assertEquals(2, code, err());
        assertTrue(err().contains("bad.yaml: 3 problems; no run was created"), err());
        assertTrue(err().contains("train.epochs"), err());
        assertTrue(err().contains("batch_sise"), err());
        assertTrue(err().contains("sample.steps"), err());
        assertFalse(err().contains("\tat "), "no stack trace for a user error");
        assertFalse(Files.exists(cwd.resolve("runs")), "no runs directory may be created");
    }

    @Test
    void aMissingSpecFileIsBadInput() {
        assertEquals(2, coverlab("run", "nope.yaml"));
        assertTrue(err().contains("nope.yaml"), err());
        assertFalse(Files.exists(cwd.resolve("runs")));
    }

    @Test
    void aSpecNeedingStagesThisBuildLacksExitsFourBeforeAnythingRuns() throws Exception {
        Files.writeString(cwd.resolve("train.yaml"), """
                name: needs-training
                train:
                  components: [unet]
                  epochs: 2
                """);
        pipeline = Pipeline.standard().without("train");
        assertEquals(4, coverlab("run", "train.yaml"), err());
        assertTrue(err().contains("stage 'train' is not available in this build: the spec needs it because train.epochs is 2"
                + " and train.components is [unet]"), err());
        assertTrue(err().contains("this build implements the stages: prepare_data, test, sample, evaluate, report"), err());
        assertFalse(Files.exists(cwd.resolve("runs")));
    }

    @Test
    void aRemoteTrackerThisBuildLacksExitsFour() throws Exception {
        assertEquals(4, coverlab("run", demoSpec().toString(), "--stages", "test", "--tracker", "wandb"), err());
        assertTrue(err().contains("tracker 'wandb' is not available in this build"), err());
        assertFalse(Files.exists(cwd.resolve("runs")));
        String refused = err();
        err.reset();
        assertEquals(4, coverlab("spec", "check", "demo.yaml", "--stages", "test", "--tracker", "wandb"), err());
        assertEquals(refused, err(), "spec check plans as run does and says the same");
        assertFalse(Files.exists(cwd.resolve("runs")));
        err.reset();
        assertEquals(2, coverlab("run", "demo.yaml", "--stages", "test", "--tracker", "tensorboard"));
        assertTrue(err().contains("unknown tracker 'tensorboard'"), err());
    }

    @Test
    void aRemoteTrackerIsStartedOnceAfterTheJournalOpensAndClosedAfterTheFinalEvent() throws Exception {
        demoSpec();
        List<String> calls = new ArrayList<>();
        RemoteTracking hook = (dir, info, spec, log) -> {
            calls.add("start " + info.name() + " " + spec.tracking().backends() + " journal=" + Files.exists(dir.journal()));
            return () -> calls.add("close");
        };
        RemoteTrackers trackers = new RemoteTrackers(Set.of(TrackingSpec.Backend.WANDB, TrackingSpec.Backend.MLFLOW), hook);
        assertEquals(0, coverlabWith(trackers, "run", "demo.yaml", "--stages", "test", "--tracker", "wandb,mlflow"), err());
        assertEquals(List.of("start cli-demo [LOCAL, WANDB, MLFLOW] journal=true", "close"), calls);
        String id = onlyRunId();
        assertEquals(List.of("local", "wandb", "mlflow"), new org.coverlab.run.RunDir(id, cwd.resolve("runs").resolve(id)).readInfo().trackers());

        calls.clear();
        assertEquals(0, coverlabWith(trackers, "run", "demo.yaml", "--stages", "test"), err());
        assertEquals(List.of(), calls, "a local-only run starts no remote tracking");
    }

    /** The JVM's console says nothing about stderr, where bars go: scripts/coverlab passes [ -t 2 ] down. */
    @Test
    void aProgressBarNeedsStderrToBeATerminal() {
        assertFalse(CliContext.stderrIsTerminal("false", true), "2>file on a terminal: plain lines");
        assertTrue(CliContext.stderrIsTerminal("true", false));
        assertTrue(CliContext.stderrIsTerminal(null, true), "without the launcher, the JVM's console decides");
        assertFalse(CliContext.stderrIsTerminal(null, false));
    }

    /** state.json's step moves at checkpoints; after a kill the journal is ahead, and both commands say the same. */
    @Test
    void runsListAndRunsShowReportTheSameStepForAKilledRun() throws Exception {
        demoSpec();
        assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test"), err());
        assertFalse(err().contains("\033") || out().contains("\033"), "no terminal codes when stderr is no terminal");
        String id = onlyRunId();
        org.coverlab.run.RunDir dir = new org.coverlab.run.RunDir(id, cwd.resolve("runs").resolve(id));
        // as a kill after step 12's metrics but with checkpoint 10 the last one recorded leaves it
        dir.writeState(dir.readState().withCheckpoint("10", 0, 10).withStatus(org.coverlab.run.RunStatus.KILLED, "killed"));

        out.reset();
        assertEquals(0, coverlab("runs", "list"));
        assertTrue(out().split("\n")[1].matches(id + "\\s+cli-demo\\s+killed\\s+test\\s+12\\s+.*"), out());
        out.reset();
        assertEquals(0, coverlab("runs", "show", id));
        assertTrue(out().contains("position      stage test, step 12; last checkpoint 10 at epoch 0, step 10"), out());
        out.reset();
        assertEquals(0, coverlab("runs", "list", "--json"));
        var list = org.coverlab.run.RunJson.mapper().readTree(out());
        assertEquals(12, list.get(0).get("step").asLong());
        assertEquals("10", list.get(0).get("checkpoint").get("name").asText());
    }

    @Test
    void theDemoRunFinishesAndIsListedAndShown() throws Exception {
        demoSpec();
        assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test"), err());
        String id = onlyRunId();
        assertTrue(out().contains("run " + id + " finished"), out());
        assertTrue(Files.exists(cwd.resolve("runs").resolve(id).resolve("checkpoints/12/checkpoint.json")));
        for (String unused : new String[] {"samples", "eval"}) { // the demo draws and evaluates nothing
            assertFalse(Files.exists(cwd.resolve("runs").resolve(id).resolve(unused)), "a demo run has no " + unused + "/");
        }

        out.reset();
        assertEquals(0, coverlab("runs", "list"));
        String[] lines = out().split("\n");
        assertTrue(lines[0].matches("ID\\s+NAME\\s+STATUS\\s+STAGE\\s+STEP\\s+STARTED\\s+LAST METRICS"), lines[0]);
        assertTrue(lines[1].matches(id + "\\s+cli-demo\\s+finished\\s+test\\s+12\\s+\\S+ \\S+\\s+epoch=0 loss=.*"), lines[1]);

        out.reset();
        assertEquals(0, coverlab("runs", "show", id));
        assertTrue(out().contains("status        finished"), out());
        assertTrue(out().contains("checkpoints   10, 12 (latest 12)") || out().contains("checkpoints   5, 10, 12 (latest 12)"), out());
        assertTrue(out().contains("summary       final_loss="), out());

        out.reset();
        assertEquals(0, coverlab("runs", "list", "--json"));
        var list = org.coverlab.run.RunJson.mapper().readTree(out());
        assertEquals(id, list.get(0).get("id").asText());
        assertEquals("finished", list.get(0).get("status").asText());
        assertEquals(12, list.get(0).get("lastMetrics").get("step").asLong());
        assertTrue(list.get(0).get("lastMetrics").get("values").has("loss_ema"), out());

        out.reset();
        assertEquals(0, coverlab("runs", "show", id, "--json"));
        var show = org.coverlab.run.RunJson.mapper().readTree(out());
        assertEquals("cli-demo", show.get("info").get("name").asText());
        assertEquals("12", show.get("state").get("lastCheckpoint").asText());
        assertEquals(12, show.get("summary").get("steps").asLong());
        assertEquals("12", show.get("checkpoints").get(show.get("checkpoints").size() - 1).get("name").asText());

        err.reset();
        assertEquals(0, coverlab("run", "--resume", id));
        assertTrue(err().contains("run " + id + " already finished; nothing to resume"), err());
    }

    @Test
    void unknownOrMalformedRunIdsExitTwo() {
        assertEquals(2, coverlab("runs", "show", "abcd1234"));
        assertTrue(err().contains("no run 'abcd1234' in " + cwd.resolve("runs")), err());
        assertEquals(2, coverlab("run", "--resume", "NOT-AN-ID"));
        assertTrue(err().contains("'NOT-AN-ID' is not a run id"), err());
    }

    @Test
    void resumeRefusesASpecOrOverrides() throws Exception {
        assertEquals(2, coverlab("run", demoSpec().toString(), "--resume", "abcd1234"));
        assertTrue(err().contains("--resume takes the spec, stages and trackers from the run itself"), err());
    }

    @Test
    void runJsonRecordsProvenanceAndAResumeRefusesOtherWeights() throws Exception {
        demoSpec();
        Path tiny = Files.createDirectories(cwd.resolve("tiny"));
        Files.writeString(tiny.resolve("model_index.json"), "{\"version\": 1}");
        System.setProperty("coverlab.tiny.model", tiny.toString());
        try {
            assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test"));
            String id = onlyRunId();
            Path runDir = cwd.resolve("runs").resolve(id);
            JsonNode provenance = RunJson.mapper().readTree(runDir.resolve("run.json").toFile()).get("provenance");
            assertEquals(tiny.toString(), provenance.get("modelFolder").asText());
            assertEquals(Sha256.ofFiles(tiny, List.of("model_index.json")), provenance.get("weightsSha256").asText());
            assertEquals(Runtime.getRuntime().availableProcessors(), provenance.get("threads").asInt());
            assertEquals("cpu", provenance.get("device").asText()); // train.device: cpu, the default
            assertEquals(System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
                    provenance.get("java").asText());
            assertEquals(System.getProperty("os.name") + " " + System.getProperty("os.version"), provenance.get("os").asText());
            assertEquals(System.getProperty("os.arch"), provenance.get("arch").asText());
            assertTrue(provenance.get("djlVersion").asText().matches("\\d+\\.\\d+\\.\\d+"), provenance.toString());
            assertTrue(provenance.get("libtorchVersion").asText().matches("\\d+\\.\\d+\\.\\d+"), provenance.toString());
            assertEquals("cpu", provenance.get("libtorchFlavor").asText());
            // not a git checkout: both recorded as unknown
            assertTrue(provenance.get("gitCommit").isNull() && provenance.get("gitDirty").isNull(), provenance.toString());

            Path state = runDir.resolve("state.json");
            Files.writeString(state, Files.readString(state).replace("\"finished\"", "\"failed\""));
            Files.writeString(tiny.resolve("model_index.json"), "{\"version\": 2}");
            assertEquals(2, coverlab("run", "--resume", id));
            assertTrue(err().contains("a resumed run must use the weights it started with"), err());
            Files.writeString(tiny.resolve("model_index.json"), "{\"version\": 1}");
            assertEquals(0, coverlab("run", "--resume", id), err());
        } finally {
            System.clearProperty("coverlab.tiny.model");
        }
    }

    @Test
    void runJsonRecordsTheGitCommitAndWhetherTheCheckoutWasDirty() throws Exception {
        demoSpec();
        git("init", "-q");
        git("add", "demo.yaml");
        git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "spec");
        String head = git("rev-parse", "HEAD");
        assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test"), err());
        JsonNode clean = provenanceOf(onlyRunId());
        assertEquals(head, clean.get("gitCommit").asText());
        assertFalse(clean.get("gitDirty").asBoolean(), clean.toString());

        Files.writeString(cwd.resolve("demo.yaml"), Files.readString(cwd.resolve("demo.yaml")) + "# edited\n");
        assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test", "--set", "train.device=auto"), err());
        try (var runs = Files.list(cwd.resolve("runs"))) {
            JsonNode dirty = runs.filter(p -> Files.isRegularFile(p.resolve("run.json"))).map(p -> provenanceOf(p.getFileName().toString()))
                    .filter(p -> p.get("gitDirty").asBoolean()).findFirst().orElseThrow();
            assertEquals(head, dirty.get("gitCommit").asText());
            assertEquals("cpu", dirty.get("device").asText()); // auto on a build without CUDA natives
        }
    }

    private JsonNode provenanceOf(String id) {
        try {
            return RunJson.mapper().readTree(cwd.resolve("runs").resolve(id).resolve("run.json").toFile()).get("provenance");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void aResumedRunRefusesAnEditedSpec() throws Exception {
        demoSpec();
        assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test"));
        String id = onlyRunId();
        Path state = cwd.resolve("runs").resolve(id).resolve("state.json");
        Files.writeString(state, Files.readString(state).replace("\"finished\"", "\"failed\""));
        Path spec = cwd.resolve("runs").resolve(id).resolve("spec.yaml");
        Files.writeString(spec, Files.readString(spec).replace("cli-demo", "renamed"));
        assertEquals(2, coverlab("run", "--resume", id));
        assertTrue(err().contains("no longer matches the spec the run started with"), err());
    }

    @Test
    void helpAndVersionExitZeroAndDocumentExitCodes() {
        assertEquals(0, coverlab("--help"));
        assertTrue(out().contains("Usage: coverlab"), out());
        assertTrue(out().contains("run") && out().contains("runs"), out());
        assertTrue(out().contains("130  stopped by Ctrl-C (SIGINT)") && out().contains("143  stopped by SIGTERM"), out());
        out.reset();
        assertEquals(0, coverlab("run", "--help"));
        assertTrue(out().contains("--resume=RUN_ID") && out().contains("--set=KEY=VALUE") && out().contains("--runs-dir=DIR"), out());
        assertTrue(out().contains("3    the run is locked"), out());
        out.reset();
        assertEquals(0, coverlab("runs", "list", "--help"));
        assertTrue(out().contains("Usage: coverlab runs list"), out());
        out.reset();
        assertEquals(0, coverlab("runs", "show", "--help"));
        out.reset();
        assertEquals(0, coverlab("--version"));
        assertTrue(out().startsWith("coverlab "), out());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, coverlab());
        assertEquals(2, coverlab("frobnicate"));
        assertEquals(2, coverlab("run"));
        assertTrue(err().contains("missing SPEC"), err());
        assertEquals(2, coverlab("runs", "show"));
        assertEquals(2, coverlab("run", "x.yaml", "--progress", "fancy"));
    }

    @Test
    void anEmptyRunsDirectoryListsNothing() {
        assertEquals(0, coverlab("runs", "list", "--runs-dir", "elsewhere"));
        assertTrue(err().contains("no runs in " + cwd.resolve("elsewhere")), err());
    }
}
