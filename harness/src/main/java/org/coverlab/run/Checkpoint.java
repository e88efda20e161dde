package org.coverlab.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.file.Path;
import java.util.Map;

/**
 * A committed checkpoint ({@code checkpoints/<name>/checkpoint.json} plus the stage's files beside it).
 *
 * @param journalSeq the journal's last seq when the checkpoint was saved: resuming from here cuts the journal back to
 *                   it, so the steps redone after the checkpoint are journaled once
 * @param state      small stage state (counters, RNG positions); large tensors go into files in {@link #dir()}
 */
public record Checkpoint(
        String name,
        String stage,
        long epoch,
        long step,
        long journalSeq,
        String savedAt,
        Map<String, Object> state,
        @JsonIgnore Path dir) {

    public Checkpoint {
        state = state == null ? Map.of() : Map.copyOf(state);
    }

    Checkpoint in(Path directory) {
        return new Checkpoint(name, stage, epoch, step, journalSeq, savedAt, state, directory);
    }

    /** A state value as a long (JSON numbers come back as Integer or Long). */
    public long longState(String key) {
        Object v = state.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("checkpoint " + name + " has no numeric state '" + key + "'");
        }
        return n.longValue();
    }

    public double doubleState(String key) {
        Object v = state.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("checkpoint " + name + " has no numeric state '" + key + "'");
        }
        return n.doubleValue();
    }
}
