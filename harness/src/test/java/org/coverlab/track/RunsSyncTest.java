package org.coverlab.track;

import org.coverlab.run.RunEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.coverlab.run.ActiveRun;
import org.coverlab.run.Journal;
import org.coverlab.run.JournalEntry;
import org.coverlab.run.RunId;
import org.coverlab.run.RunInfo;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunLockedException;
import org.coverlab.run.RunStore;
import org.coverlab.spec.TrackingSpec.Backend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coverlab runs sync}: replays from each sink's cursor, idempotently, while holding the run's lock (the CLI: WandbEndToEndTest). */
class RunsSyncTest {

    @TempDir
    Path root;

    RunStore store;
    String runId;
    ScriptedSink wandb = new ScriptedSink("wandb");
    RemoteSinks sinks;

    @BeforeEach
    void createRun() throws Exception {
        store = new RunStore(root, new RunId(new SecureRandom()), Clock.systemUTC());
        String spec = "name: sync-test\ntracking:\n  backends: [local, wandb]\n  project: covers\n";
        ActiveRun run = store.create(spec, new RunInfo(null, "sync-test", null, "spec.yaml", "", List.of(), List.of("local", "wandb"),
                List.of(), "test"));
        runId = run.dir().id();
        try (Journal journal = Journal.open(run.dir().journal())) {
            journal.append(new RunEvent.Started(1_000, runId, "sync-test", Map.of(), false));
            for (long step = 1; step <= 25; step++) {
                journal.append(new RunEvent.Metrics(1_000 + step, step, Map.of("loss", 1.0 / step)));
            }
            journal.append(new RunEvent.Finished(2_000, "finished", 0));
        }
        run.lock().close();
        sinks = RemoteSinks.standard(Map.of(), root).with(Backend.WANDB, (tracking, live) -> RemoteSinks.Selection.Choice.of(wandb));
    }

    private RunsSync sync() {
        return new RunsSync(store, sinks, new SenderOptions(10, Duration.ofMillis(10), Backoff.WANDB.withBase(Duration.ofMillis(5)),
                Duration.ofSeconds(5)));
    }

    @Test
    void sendsWhatTheCursorDoesNotCoverAndNothingTwice() throws Exception {
        new SinkCursorStore(root.resolve(runId)).write("wandb", new SinkCursor(11, 10, ""));
        SenderReport report = sync().sync(runId, List.of(), Duration.ofSeconds(5));
        assertTrue(report.allDelivered(), report.describe());
        assertEquals(JournalSenderTest.steps(11, 25), wandb.metricSteps());
        assertTrue(wandb.received.get(wandb.received.size() - 1).event() instanceof RunEvent.Finished);

        ScriptedSink again = new ScriptedSink("wandb");
        sinks = sinks.with(Backend.WANDB, (tracking, live) -> RemoteSinks.Selection.Choice.of(again));
        assertTrue(sync().sync(runId, List.of(Backend.WANDB), Duration.ofSeconds(5)).allDelivered());
        assertTrue(again.received.isEmpty(), "a second sync has nothing to send");
    }

    @Test
    void aRunWithNothingLeftToSendSyncsWithoutContactingTheServerEvenWhenItWouldRefuseTheKey() throws Exception {
        assertTrue(sync().sync(runId, List.of(), Duration.ofSeconds(5)).allDelivered());
        RemoteSink refusing = new RemoteSink() {
            @Override
            public String name() {
                return "wandb";
            }

            @Override
            public void open(String id, String name, java.nio.file.Path dir) throws SinkException {
                throw new SinkException("W&B GraphQL RunResumeStatus: HTTP 401 (the API key was refused)", false, 0, null);
            }

            @Override
            public void send(List<JournalEntry> entries) throws SinkException {
                throw new SinkException("HTTP 401", false, 0, null);
            }

            @Override
            public void close() {}
        };
        sinks = sinks.with(Backend.WANDB, (tracking, live) -> RemoteSinks.Selection.Choice.of(refusing));
        SenderReport report = sync().sync(runId, List.of(), Duration.ofSeconds(5));
        assertTrue(report.allDelivered(), report.describe());
        assertEquals("wandb: all 27 journal entries sent already; nothing left to send", report.describe());
    }

    @Test
    void refusesARunAnotherProcessIsDriving() throws Exception {
        try (RunLock lock = RunLock.acquire(runId, root.resolve(runId).resolve(".lock"))) {
            assertThrows(RunLockedException.class, () -> sync().sync(runId, List.of(), Duration.ofSeconds(1)));
        }
    }

    @Test
    void aRunWithoutRemoteTrackersNeedsATrackerFlag() {
        RunsSync.SyncException e = assertThrows(RunsSync.SyncException.class,
                () -> sync().sync(runId, List.of(Backend.LOCAL), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("--tracker"), e.getMessage());
    }
}
