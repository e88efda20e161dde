package org.coverlab.track;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.coverlab.run.Checkpoint;
import org.coverlab.run.Checkpoints;

/**
 * The checkpoint retention of a run with remote trackers: a checkpoint beyond {@code train.keep_last} is deleted only
 * once every remote tracker of the run has acknowledged the journal entry announcing it ({@code sinks/<name>.json},
 * or {@code sinks/<name>.uploads.json} for a tracker that uploads checkpoints beside its stream, at or past the
 * checkpoint's journal seq), i.e. has uploaded it (or found it unchanged on the server). Until then it
 * stays on disk; it is deleted at the next save, at the end of the run, or by {@code coverlab runs sync} once sent. A
 * tracker that is down (or W&B in offline mode) therefore keeps old checkpoints on disk until a sync delivers them.
 */
public final class SinkRetention implements Checkpoints.Retention {

    private final SinkCursorStore cursors;
    private final List<String> sinks;

    public SinkRetention(Path runDir, List<String> sinks) {
        this.cursors = new SinkCursorStore(runDir);
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public boolean mayDelete(Checkpoint checkpoint) throws IOException {
        for (String sink : sinks) {
            Optional<SinkCursor> cursor = cursors.readCheckpoints(sink);
            if (cursor.isEmpty() || cursor.get().seq() < checkpoint.journalSeq()) {
                return false;
            }
        }
        return true;
    }
}
