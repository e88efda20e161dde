package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.T0;
import static org.coverlab.track.wandb.WandbTestSupport.entry;
import static org.coverlab.track.wandb.WandbTestSupport.metrics;
import static org.coverlab.track.wandb.WandbTestSupport.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.coverlab.run.Journal;
import org.coverlab.track.Backoff;
import org.coverlab.run.JournalFileReader;
import org.coverlab.track.JournalSender;
import org.coverlab.run.RunEvent;
import org.coverlab.track.SenderOptions;
import org.coverlab.spec.TrackingSpec.Resume;
import org.coverlab.run.JournalEntry;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.track.SinkCursor;
import org.coverlab.track.SinkCursorStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming a W&B run by id: offsets, step and runtime continue from RunResumeStatus; allow/must/never honoured. */
class WandbSinkResumeTest {

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    FakeWandbServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
    }

    @AfterEach
    void stop() {
        server.shutdown();
    }

    /** A first session: 5 history rows (steps 1..5), 3 console lines; the process then died. */
    private void firstSession() throws Exception {
        Files.writeString(runDir.resolve("run.log"), "a\nb\nc\n");
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.ALLOW, home));
        try {
            sink.open("abcd1234", "te-8ep", runDir);
            List<JournalEntry> batch = new ArrayList<>();
            batch.add(entry(1, started(false, T0)));
            for (int step = 1; step <= 5; step++) {
                batch.add(entry(step + 1, metrics(step, 1.0 / step)));
            }
            sink.send(batch);
        } finally {
            sink.close();
        }
        new SinkCursorStore(runDir).write("wandb", new SinkCursor(6, 5, "metrics@" + (T0 + 5000)));
    }

    @Test
    void resumedRunContinuesOffsetsStepAndRuntimeWhereTheServerSays() throws Exception {
        firstSession();
        int before = server.fileStreamBodies().size();
        Files.writeString(runDir.resolve("run.log"), "d\n", java.nio.file.StandardOpenOption.APPEND);
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.ALLOW, home));
        try {
            sink.open("abcd1234", "te-8ep", runDir);
            long resumedAt = T0 + 60_000;
            sink.send(List.of(entry(7, started(true, resumedAt)),
                    entry(8, metrics(4, 9.0)), entry(9, metrics(5, 9.0)), // replayed after the checkpoint: dropped
                    entry(10, new org.coverlab.run.RunEvent.Metrics(resumedAt + 2000, 6, java.util.Map.of("loss", 0.1)))));
        } finally {
            sink.close();
        }
        JsonNode body = server.fileStreamBodies().get(before);
        JsonNode history = body.path("files").path("wandb-history.jsonl");
        assertEquals(5, history.path("offset").asInt(), "history continues at historyLineCount");
        assertEquals(1, history.path("content").size());
        JsonNode row = FakeWandbServer.parse(history.path("content").get(0).asText());
        assertEquals(6, row.path("_step").asLong());
        assertEquals(5.0 + 2.0, row.path("_runtime").asDouble(), 1e-9, "runtime continues from the last _runtime");
        JsonNode output = body.path("files").path("output.log");
        assertEquals(3, output.path("offset").asInt(), "output.log continues at logLineCount");
        assertEquals("d", WandbTestSupport.untimed(output.path("content").get(0).asText()));

        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), run.historySteps());
        assertEquals(List.of("a", "b", "c", "d"), WandbTestSupport.untimed(run.output));
        assertFalse(server.graphql("UpsertBucket").stream()
                .skip(2).anyMatch(u -> u.path("variables").has("config") && FakeWandbServer.parse(
                        u.path("variables").path("config").asText()).size() == 1),
                "a resumed run's config is not overwritten by the bare telemetry config");
    }

    @Test
    void neverRefusesARunThatExistsButThisRunDirDidNotCreate() throws Exception {
        firstSession();
        Files.delete(new SinkCursorStore(runDir).fileFor("wandb"));
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.NEVER, home));
        try {
            SinkException e = assertThrows(SinkException.class, () -> sink.open("abcd1234", "te-8ep", runDir));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        } finally {
            sink.close();
        }
    }

    @Test
    void neverStillContinuesItsOwnRun() throws Exception {
        firstSession();
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.NEVER, home));
        try {
            sink.open("abcd1234", "te-8ep", runDir);
            sink.send(List.of(entry(7, metrics(6, 0.1))));
        } finally {
            sink.close();
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), server.existing("lab/covers/abcd1234").historySteps());
    }

    @Test
    void mustRefusesARunThatDoesNotExist() {
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.MUST, home));
        try {
            SinkException e = assertThrows(SinkException.class, () -> sink.open("abcd1234", "te-8ep", runDir));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
            assertTrue(server.graphql("UpsertBucket").isEmpty(), "nothing is created");
        } finally {
            sink.close();
        }
    }

    @Test
    void mustResumesAnExistingRun() throws Exception {
        firstSession();
        Files.delete(new SinkCursorStore(runDir).fileFor("wandb"));
        WandbSink sink = WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.MUST, home));
        try {
            sink.open("abcd1234", "te-8ep", runDir);
            sink.send(List.of(entry(1, metrics(7, 0.1))));
        } finally {
            sink.close();
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 7L), server.existing("lab/covers/abcd1234").historySteps());
    }

    @Test
    void resumingFromACheckpointAfterACrashLogsEveryStepOnce() throws Exception {
        Path journalFile = runDir.resolve("events.jsonl");
        SenderOptions options = new SenderOptions(16, Duration.ofMillis(10), Backoff.WANDB.withBase(Duration.ofMillis(5)),
                Duration.ofSeconds(20));
        try (Journal journal = Journal.open(journalFile)) {
            // First attempt: steps 1..50, checkpoint after step 30 (journal seq 31); then the process dies.
            journal.append(started(false, T0));
            for (long step = 1; step <= 50; step++) {
                journal.append(metrics(step, 1.0 / step));
            }
            JournalSender first = JournalSender.start("abcd1234", "te-8ep", runDir, new JournalFileReader(journalFile),
                    List.of(WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.ALLOW, home))), options);
            assertTrue(first.finish().allDelivered());

            // Resume: the run store cuts the journal back to the checkpoint; training re-logs steps 31..70.
            journal.truncateAfter(31);
            JournalSender second = JournalSender.start("abcd1234", "te-8ep", runDir, new JournalFileReader(journalFile),
                    List.of(WandbTestSupport.sink(WandbTestSupport.settings(server, Resume.ALLOW, home))), options);
            journal.append(started(true, T0 + 600_000));
            for (long step = 31; step <= 70; step++) {
                journal.append(new RunEvent.Metrics(T0 + 600_000 + step * 1000, step, Map.of("loss", 0.5)));
            }
            journal.append(new RunEvent.Finished(T0 + 700_000, "finished", 0));
            assertTrue(second.finish().allDelivered());
        }
        FakeWandbServer.Run run = server.existing("lab/covers/abcd1234");
        assertEquals(LongStream.rangeClosed(1, 70).boxed().toList(), run.historySteps());
        assertEquals(1.0 / 40, FakeWandbServer.parse(run.history.get(39)).path("loss").asDouble(),
                "steps the server had keep their first values");
        double runtime51 = FakeWandbServer.parse(run.history.get(50)).path("_runtime").asDouble();
        assertEquals(50.0 + 51.0, runtime51, 1e-6, "runtime continues after the first attempt's 50 s");
        assertTrue(run.complete);
    }
}
