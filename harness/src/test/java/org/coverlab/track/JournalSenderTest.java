package org.coverlab.track;

import org.coverlab.run.RunEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSenderTest {

    static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path runDir;

    static final SenderOptions FAST = new SenderOptions(50, Duration.ofMillis(20),
            Backoff.WANDB.withBase(Duration.ofMillis(5)), Duration.ofSeconds(10));

    static RunEvent.Metrics metrics(long step) {
        return new RunEvent.Metrics(T0 + step, step, Map.of("loss", 1.0 / (step + 1)));
    }

    static List<Long> steps(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private JournalSender start(MemoryJournal journal, SenderOptions options, RemoteSink... sinks) {
        return JournalSender.start("abcd1234", "test", runDir, journal, List.of(sinks), options);
    }

    @Test
    void deliversEveryEntryInOrderInBatchesAndStoresTheCursor() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 120; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink sink = new ScriptedSink("wandb");
        SenderReport report = start(journal, FAST, sink).finish();

        assertTrue(report.allDelivered(), report.describe());
        assertEquals(steps(1, 120), sink.metricSteps());
        assertTrue(sink.batchSizes.stream().allMatch(n -> n <= 50), "batches of at most batchSize: " + sink.batchSizes);
        assertEquals(1, sink.opens.get());
        assertTrue(sink.closed);
        SinkCursor cursor = new SinkCursorStore(runDir).read("wandb").orElseThrow();
        assertEquals(120, cursor.seq());
        assertEquals(120, cursor.step());
    }

    @Test
    void entriesAppendedWhileRunningAreSentWithoutBlockingTheWriter() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        ScriptedSink slow = new ScriptedSink("wandb");
        slow.sendMillis = 30;
        JournalSender sender = start(journal, FAST, slow);
        long start = System.nanoTime();
        for (long step = 1; step <= 200; step++) {
            journal.append(metrics(step));
            sender.wake();
        }
        long appendNanos = System.nanoTime() - start;
        assertTrue(appendNanos < 200_000_000L, "200 appends and wakes took " + appendNanos / 1e6 + " ms");
        SenderReport report = sender.finish();
        assertTrue(report.allDelivered(), report.describe());
        assertEquals(steps(1, 200), slow.metricSteps());
    }

    @Test
    void retryableFailuresAreRetriedWithBackoffAndServerWaits() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 10; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink sink = new ScriptedSink("wandb");
        sink.failures = call -> call <= 3 ? new RemoteSink.SinkException("HTTP 503", true, call == 3 ? 300 : 0, null) : null;
        SenderReport report = start(journal, FAST, sink).finish();

        assertTrue(report.allDelivered(), report.describe());
        assertEquals(steps(1, 10), sink.metricSteps(), "nothing lost or doubled by the retries");
        long waitAfterThird = sink.callTimes.get(3) - sink.callTimes.get(2);
        assertTrue(waitAfterThird >= 290_000_000L, "Retry-After of 300 ms honoured, waited " + waitAfterThird / 1e6);
    }

    @Test
    void aNonRetryableFailureStopsThatSinkOnly() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 10; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink refused = new ScriptedSink("wandb");
        refused.failures = call -> new RemoteSink.SinkException("HTTP 401 (the API key was refused)", false, 0, null);
        ScriptedSink healthy = new ScriptedSink("mlflow");
        SenderReport report = start(journal, FAST, refused, healthy).finish();

        assertEquals(1, refused.calls.get(), "not retried");
        SinkReport wandb = report.sinks().get(0);
        assertEquals(SinkReport.State.STOPPED, wandb.state());
        assertEquals(10, wandb.pending());
        assertTrue(wandb.describe("abcd1234").contains("coverlab runs sync abcd1234 --tracker wandb"), wandb.describe("abcd1234"));
        assertTrue(wandb.describe("abcd1234").contains("401"));
        assertEquals(steps(1, 10), healthy.metricSteps());
        assertEquals(SinkReport.State.DELIVERED, report.sinks().get(1).state());
        assertFalse(report.allDelivered());
    }

    @Test
    void finishGivesUpAtTheFlushTimeoutAndReportsWhatIsLeft() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 30; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink down = new ScriptedSink("wandb");
        down.failures = call -> new RemoteSink.SinkException("connection refused", true, 0, null);
        SenderOptions options = FAST.withFlushTimeout(Duration.ofMillis(400));
        long start = System.nanoTime();
        SenderReport report = start(journal, options, down).finish();
        long took = System.nanoTime() - start;

        assertTrue(took < 3_000_000_000L, "bounded by the flush timeout, took " + took / 1e6 + " ms");
        SinkReport wandb = report.sinks().get(0);
        assertEquals(SinkReport.State.TIMED_OUT, wandb.state());
        assertEquals(30, wandb.pending());
        assertTrue(wandb.describe("abcd1234").contains("30 of 30 journal entries not sent"), wandb.describe("abcd1234"));
    }

    @Test
    void aStuckSendIsCancelledNotInterruptedAtTheDeadline() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        journal.append(metrics(1));
        ScriptedSink stuck = new ScriptedSink("wandb");
        stuck.sendMillis = 60_000;
        long start = System.nanoTime();
        SenderReport report = start(journal, FAST.withFlushTimeout(Duration.ofMillis(300)), stuck).finish();
        assertTrue(System.nanoTime() - start < 3_000_000_000L);
        assertEquals(1, report.sinks().get(0).pending());
        assertTrue(stuck.aborts > 0, "the request in flight was cancelled");
        assertFalse(stuck.interrupted, "the sending thread was interrupted");
    }

    @Test
    void aStopEndsASlowSendWithinASecondAndKeepsTheCursorOfEveryAcknowledgedBatch() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 30; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink slow = new ScriptedSink("wandb");
        slow.failures = call -> {
            slow.sendMillis = call >= 2 ? 60_000 : 0; // the first batch goes through, the second hangs
            return null;
        };
        org.coverlab.run.Cancellation stop = new org.coverlab.run.Cancellation();
        JournalSender sender = start(journal, FAST.withBatchSize(10).withFlushTimeout(Duration.ofSeconds(60)), slow);
        while (slow.calls.get() < 2) {
            Thread.sleep(5);
        }
        stop.cancel("interrupted by SIGINT (Ctrl-C)");
        long start = System.nanoTime();
        SenderReport report = sender.finish(Duration.ofSeconds(60), stop);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMillis < 1_500, "a stop ends the sender within a second or two, took " + tookMillis + " ms");
        assertFalse(slow.interrupted, "the sending thread was interrupted");
        SinkReport wandb = report.sinks().get(0);
        assertEquals(SinkReport.State.CANCELLED, wandb.state());
        assertEquals(20, wandb.pending());
        assertTrue(wandb.describe("abcd1234").contains("20 of 30 journal entries not sent, interrupted by SIGINT (Ctrl-C);"
                + " send them later with: coverlab runs sync abcd1234 --tracker wandb"), wandb.describe("abcd1234"));
        assertEquals(10, new SinkCursorStore(runDir).read("wandb").orElseThrow().seq(), "the acknowledged batch stays sent");

        ScriptedSink again = new ScriptedSink("wandb");
        assertTrue(start(journal, FAST, again).finish().allDelivered());
        assertEquals(steps(11, 30), again.metricSteps(), "the next sync sends the rest, nothing twice");
    }

    @Test
    void aRestartedSenderContinuesAfterTheStoredCursor() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 20; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink first = new ScriptedSink("wandb");
        first.failures = call -> call >= 2 ? new RemoteSink.SinkException("gone", false, 0, null) : null;
        start(journal, FAST.withBatchSize(8), first).finish();
        assertEquals(steps(1, 8), first.metricSteps());

        ScriptedSink second = new ScriptedSink("wandb");
        assertTrue(start(journal, FAST, second).finish().allDelivered());
        assertEquals(steps(9, 20), second.metricSteps());
    }

    @Test
    void aJournalCutBackOnResumeIsReplayedWithoutDuplicateSteps() throws Exception {
        // First attempt: steps 1..50 sent; a checkpoint was taken after step 30 (journal seq 31, after Started).
        MemoryJournal journal = new MemoryJournal();
        journal.append(new RunEvent.Started(T0, "abcd1234", "test", Map.of(), false));
        for (long step = 1; step <= 50; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink first = new ScriptedSink("wandb");
        assertTrue(start(journal, FAST, first).finish().allDelivered());

        // Resume: the run store cuts the journal back to the checkpoint and the same seqs are used again.
        journal.truncateAfter(31);
        journal.append(new RunEvent.Started(T0 + 100_000, "abcd1234", "test", Map.of(), true));
        for (long step = 31; step <= 70; step++) {
            journal.append(new RunEvent.Metrics(T0 + 100_000 + step, step, Map.of("loss", 0.5)));
        }
        ScriptedSink second = new ScriptedSink("wandb");
        assertTrue(start(journal, FAST, second).finish().allDelivered());

        assertEquals(steps(51, 70), second.metricSteps(), "steps 31..50 were on the server already");
        assertTrue(second.received.stream().anyMatch(e -> e.event() instanceof RunEvent.Started s && s.resumed()),
                "the resume itself is sent");
    }

    @Test
    void reappendedStepsUnderNewSeqsAreSkipped() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 10; step++) {
            journal.append(metrics(step));
        }
        ScriptedSink first = new ScriptedSink("wandb");
        start(journal, FAST, first).finish();
        for (long step = 6; step <= 15; step++) { // a resume that kept the journal and re-logged steps 6..10
            journal.append(metrics(step));
        }
        ScriptedSink second = new ScriptedSink("wandb");
        start(journal, FAST, second).finish();
        assertEquals(steps(11, 15), second.metricSteps());
    }

    @Test
    void whileTheRunGoesSendsAreSpacedBySendIntervalAndTheFinalFlushDoesNotWait() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        ScriptedSink sink = new ScriptedSink("wandb");
        JournalSender sender = start(journal, FAST.withSendInterval(Duration.ofSeconds(30)), sink);
        journal.append(metrics(1));
        sender.wake();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (sink.calls.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        for (long step = 2; step <= 40; step++) {
            journal.append(metrics(step));
            sender.wake();
        }
        Thread.sleep(200);
        assertEquals(1, sink.calls.get(), "the next send waits for the interval");
        long start = System.nanoTime();
        assertTrue(sender.finish().allDelivered());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "finish does not wait for the interval");
        assertEquals(2, sink.calls.get(), "everything that arrived meanwhile went in one batch");
        assertEquals(steps(1, 40), sink.metricSteps());
    }

    /** Waits up to 2 s for {@code done}. */
    private static boolean await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return done.getAsBoolean();
    }

    @Test
    void aCheckpointAnnouncedButStillBeingWrittenIsSentOnlyOnceItsFolderIsInPlace() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        for (long step = 1; step <= 3; step++) {
            journal.append(metrics(step));
        }
        // Checkpoints.save journals the announcement first, then writes the folder and moves it into place.
        RunEvent.Artifact announced = new RunEvent.Artifact(T0 + 3, 3, "checkpoint", "checkpoints/3");
        journal.append(announced);
        ScriptedSink sink = new ScriptedSink("wandb");
        JournalSender sender = start(journal, FAST, sink);
        assertTrue(await(() -> sink.metricSteps().size() == 3), "the metrics before it go out: " + sink.received);
        Thread.sleep(100); // several poll intervals
        assertFalse(sink.received.stream().anyMatch(e -> e.event().equals(announced)), "held back while its folder is missing");

        Files.createDirectories(runDir.resolve("checkpoints/3"));
        Files.writeString(runDir.resolve("checkpoints/3/checkpoint.json"), "{}");
        assertTrue(await(() -> sink.received.stream().anyMatch(e -> e.event().equals(announced))), "sent once the folder is there");
        assertTrue(sender.finish().allDelivered());
        assertEquals(4, sink.received.size(), "each entry once: " + sink.received);
    }

    @Test
    void theFinalFlushDoesNotHoldBackACheckpointThatWasNeverWritten() {
        MemoryJournal journal = new MemoryJournal();
        journal.append(metrics(1));
        journal.append(new RunEvent.Artifact(T0 + 1, 1, "checkpoint", "checkpoints/1")); // the writer died mid-save
        ScriptedSink sink = new ScriptedSink("wandb");
        SenderReport report = start(journal, FAST, sink).finish();
        assertTrue(report.allDelivered(), report.describe());
        assertEquals(2, sink.received.size(), "the sink decides what a missing checkpoint means: " + sink.received);
    }
}
