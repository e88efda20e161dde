package org.coverlab.track;

import org.coverlab.run.RunEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.coverlab.run.Journal;
import org.coverlab.run.RemoteTracking;
import org.coverlab.run.RunDir;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunLog;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.spec.TrackingSpec.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's hook: sends the journal while the run goes, and reports in the run log what is left at the end. */
class SenderTrackingTest {

    @TempDir
    Path runPath;

    static ExperimentSpec withTracking(List<Backend> backends) {
        ExperimentSpec d = ExperimentSpec.DEFAULT;
        return new ExperimentSpec(d.name(), d.description(), d.seed(), d.model(), d.dataset(), d.train(), d.sample(), d.eval(),
                new TrackingSpec(backends, "covers", "", "", TrackingSpec.Resume.ALLOW, 5, true));
    }

    static final RunInfo INFO = new RunInfo("abcd1234", "hook", "now", "spec.yaml", "", List.of(), List.of(), List.of(), "test");
    static final SenderOptions FAST = new SenderOptions(50, Duration.ofMillis(10), Backoff.WANDB.withBase(Duration.ofMillis(5)),
            Duration.ofSeconds(5));

    @Test
    void sendsWhileTheRunGoesAndLogsTheOutcome() throws Exception {
        RunDir dir = new RunDir("abcd1234", runPath);
        ScriptedSink sink = new ScriptedSink("wandb");
        RemoteSinks sinks = RemoteSinks.standard(Map.of(), runPath).with(Backend.WANDB, (t, live) -> RemoteSinks.Selection.Choice.of(sink));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RunLog log = new RunLog(dir.log(), new PrintStream(console, true, StandardCharsets.UTF_8), Clock.systemUTC());
             Journal journal = Journal.open(dir.journal())) {
            journal.append(new RunEvent.Started(1, "abcd1234", "hook", Map.of(), false));
            try (RemoteTracking.Handle handle = new SenderTracking(sinks, FAST)
                    .start(dir, INFO, withTracking(List.of(Backend.LOCAL, Backend.WANDB)), log)) {
                for (long step = 1; step <= 10; step++) {
                    journal.append(new RunEvent.Metrics(1 + step, step, Map.of("loss", 1.0)));
                }
                journal.append(new RunEvent.Finished(100, "finished", 0));
            }
        }
        assertEquals(JournalSenderTest.steps(1, 10), sink.metricSteps());
        String runLog = Files.readString(dir.log());
        assertTrue(runLog.contains("wandb: all 12 journal entries sent"), runLog);
    }

    @Test
    void aSinkThatCannotBeSetUpIsReportedAndTheRunGoesOn() throws Exception {
        RunDir dir = new RunDir("abcd1234", runPath);
        RemoteSinks sinks = RemoteSinks.standard(Map.of(), runPath); // no WANDB_API_KEY, no ~/.netrc
        try (RunLog log = new RunLog(dir.log(), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC())) {
            RemoteTracking.Handle handle = new SenderTracking(sinks, FAST).start(dir, INFO, withTracking(List.of(Backend.WANDB)), log);
            assertSame(RemoteTracking.Handle.NONE, handle);
        }
        String runLog = Files.readString(dir.log());
        assertTrue(runLog.contains("remote tracking is off for this attempt"), runLog);
        assertTrue(runLog.contains("WANDB_API_KEY"), runLog);
        assertTrue(runLog.contains("coverlab runs sync abcd1234"), runLog);
    }

    @Test
    void localOnlySpecsStartNothing() throws Exception {
        RunDir dir = new RunDir("abcd1234", runPath);
        try (RunLog log = new RunLog(dir.log(), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC())) {
            assertSame(RemoteTracking.Handle.NONE, new SenderTracking(RemoteSinks.standard(Map.of(), runPath), FAST)
                    .start(dir, INFO, withTracking(List.of(Backend.LOCAL)), log));
        }
    }

    @Test
    void wandbOfflineModeLeavesTheJournalForRunsSync() throws Exception {
        RunDir dir = new RunDir("abcd1234", runPath);
        RemoteSinks sinks = RemoteSinks.standard(Map.of("WANDB_MODE", "offline"), runPath);
        try (RunLog log = new RunLog(dir.log(), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC())) {
            assertSame(RemoteTracking.Handle.NONE, new SenderTracking(sinks, FAST)
                    .start(dir, INFO, withTracking(List.of(Backend.WANDB)), log));
        }
        assertTrue(Files.readString(dir.log()).contains("not sending to wandb: WANDB_MODE=offline"), Files.readString(dir.log()));
    }

    @Test
    void anMlflowSpecWithoutATrackingUriIsReportedByItsKey() throws Exception {
        RunDir dir = new RunDir("abcd1234", runPath);
        try (RunLog log = new RunLog(dir.log(), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC())) {
            assertSame(RemoteTracking.Handle.NONE, new SenderTracking(RemoteSinks.standard(Map.of(), runPath), FAST)
                    .start(dir, INFO, withTracking(List.of(Backend.LOCAL, Backend.MLFLOW)), log));
        }
        String runLog = Files.readString(dir.log());
        assertTrue(runLog.contains("mlflow: tracking.tracking_uri"), runLog);
    }
}
