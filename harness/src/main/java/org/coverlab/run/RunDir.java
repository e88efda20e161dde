package org.coverlab.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.coverlab.util.AtomicFiles;

/**
 * The layout of one run directory, {@code runs/<run-id>/}:
 * <pre>
 *   run.json          what the run is (id, name, spec hash, stages, trackers); written once
 *   spec.yaml         the resolved spec (after extends: and --set), the only spec a resume uses
 *   state.json        where it is (status, stage, epoch, step, last checkpoint, pid/host)
 *   events.jsonl      append-only journal of run events, one JSON record per line
 *   run.log           human-readable log of every attempt
 *   checkpoints/      one folder per saved step, plus the 'latest' pointer file
 *   samples/ eval/    sample grids and evaluation outputs
 *   .lock             held (OS file lock) by the process driving the run; contains its pid and host
 * </pre>
 */
public record RunDir(String id, Path path) {

    public Path runInfo() {
        return path.resolve("run.json");
    }

    public Path spec() {
        return path.resolve("spec.yaml");
    }

    public Path state() {
        return path.resolve("state.json");
    }

    public Path journal() {
        return path.resolve("events.jsonl");
    }

    public Path log() {
        return path.resolve("run.log");
    }

    public Path checkpoints() {
        return path.resolve("checkpoints");
    }

    public Path samples() {
        return path.resolve("samples");
    }

    public Path eval() {
        return path.resolve("eval");
    }

    public Path lockFile() {
        return path.resolve(".lock");
    }

    public RunInfo readInfo() throws IOException {
        return RunJson.mapper().readValue(runInfo().toFile(), RunInfo.class);
    }

    /** The state, or null while the run directory is still being created. */
    public RunState readState() throws IOException {
        if (!Files.exists(state())) {
            return null;
        }
        return RunJson.mapper().readValue(state().toFile(), RunState.class);
    }

    public void writeState(RunState state) throws IOException {
        AtomicFiles.write(state(), RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
    }

    void writeInfo(RunInfo info) throws IOException {
        AtomicFiles.write(runInfo(), RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
    }
}
