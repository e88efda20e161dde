package org.coverlab.track;

import org.coverlab.run.JournalEntry;
import org.coverlab.run.RunEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** A remote sink that records what it receives and fails as scripted (by call number, from 1). */
final class ScriptedSink implements RemoteSink {

    final String name;
    final List<JournalEntry> received = new CopyOnWriteArrayList<>();
    final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    final List<Long> callTimes = new CopyOnWriteArrayList<>();
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean closed;
    volatile IntFunction<SinkException> failures = call -> null;
    volatile long sendMillis;
    /** Set by {@link #abort}: a send in progress ends at once, as an HTTP call cancelled under it does. */
    private final Object abortSignal = new Object();
    volatile int aborts;
    /** Whether a sending thread was ever interrupted (the sender must cancel, never interrupt: it may be writing a file). */
    volatile boolean interrupted;

    ScriptedSink(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void open(String runId, String runName, Path runDir) {
        opens.incrementAndGet();
    }

    @Override
    public void send(List<JournalEntry> entries) throws SinkException {
        int call = calls.incrementAndGet();
        callTimes.add(System.nanoTime());
        SinkException failure = failures.apply(call);
        if (failure != null) {
            throw failure;
        }
        if (sendMillis > 0) {
            int abortsBefore = aborts;
            long until = System.currentTimeMillis() + sendMillis;
            synchronized (abortSignal) {
                for (long left = sendMillis; left > 0; left = until - System.currentTimeMillis()) {
                    if (aborts != abortsBefore) {
                        throw new SinkException("Canceled", true, 0, null);
                    }
                    try {
                        abortSignal.wait(left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        Thread.currentThread().interrupt();
                        throw new SinkException("interrupted", true, 0, null);
                    }
                }
            }
        }
        received.addAll(entries);
        batchSizes.add(entries.size());
    }

    List<Long> metricSteps() {
        List<Long> steps = new ArrayList<>();
        for (JournalEntry entry : received) {
            if (entry.event() instanceof RunEvent.Metrics m) {
                steps.add(m.step());
            }
        }
        return steps;
    }

    @Override
    public void abort() {
        synchronized (abortSignal) {
            aborts++;
            abortSignal.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
