package org.coverlab.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A read-only look at one run for listings: its info, its state, whether it is really still running, and its last
 * metrics. Reading never modifies the run (a torn journal line is skipped, not cut), so it is safe while a run is live.
 *
 * @param stale true when state.json says running but no process holds the run's lock: the process died without
 *              recording it (kill -9, power loss, OOM killer); such a run is resumable like a killed one
 */
public record RunOverview(RunDir dir, RunInfo info, RunState state, boolean stale, Optional<JournalRecord> lastMetrics) {

    private static final int TAIL_BYTES = 256 * 1024;

    public static RunOverview of(RunDir dir) throws IOException {
        RunInfo info = dir.readInfo();
        RunState state = dir.readState();
        boolean stale = state != null && state.status() == RunStatus.RUNNING && !RunLock.isHeld(dir.lockFile());
        return new RunOverview(dir, info, state, stale, lastMetrics(dir.journal()));
    }

    /** The status to show: a stale 'running' run is shown as killed. */
    public RunStatus effectiveStatus() {
        if (state == null) {
            return RunStatus.RUNNING;
        }
        return stale ? RunStatus.KILLED : state.status();
    }

    /**
     * How far the run got, the one step every listing shows: the step of the last journaled metrics, else the state's
     * step. state.json's step moves only at checkpoints, so after a kill it can lag what the journal already holds;
     * {@link RunState#lastCheckpoint()} says where a resume continues from.
     */
    public Optional<Long> step() {
        if (lastMetrics.isPresent()) {
            return Optional.of(lastMetrics.get().step());
        }
        return state == null ? Optional.empty() : Optional.of(state.step());
    }

    /** The last metrics record of a journal, reading only its tail when that is enough. */
    static Optional<JournalRecord> lastMetrics(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return Optional.empty();
        }
        long size = Files.size(journal);
        Optional<JournalRecord> fromTail = scanBackwards(readTail(journal, Math.min(size, TAIL_BYTES)), size > TAIL_BYTES);
        if (fromTail.isPresent() || size <= TAIL_BYTES) {
            return fromTail;
        }
        return scanBackwards(Files.readString(journal, StandardCharsets.UTF_8), false);
    }

    private static String readTail(Path file, long bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] buf = new byte[(int) bytes];
            raf.seek(raf.length() - bytes);
            raf.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        }
    }

    private static Optional<JournalRecord> scanBackwards(String text, boolean firstLinePartial) {
        String[] lines = text.split("\n", -1);
        // The last element is what follows the final newline: empty, or a torn line being written right now.
        for (int i = lines.length - 2; i >= (firstLinePartial ? 1 : 0); i--) {
            String line = lines[i];
            if (!line.contains("\"type\":\"metrics\"")) {
                continue;
            }
            try {
                return Optional.of(RunJson.mapper().readValue(line, JournalRecord.class));
            } catch (IOException e) {
                // not a complete record; keep looking further back
            }
        }
        return Optional.empty();
    }
}
