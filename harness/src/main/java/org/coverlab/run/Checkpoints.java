package org.coverlab.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.coverlab.util.AtomicFiles;

/**
 * Saves and finds checkpoints under {@code checkpoints/}. A save is all-or-nothing: files are written into a temp
 * folder, fsync'd, renamed to {@code checkpoints/<name>/}, and only then does the {@code latest} pointer (itself
 * replaced atomically) move to it. A crash at any point leaves {@code latest} on a complete checkpoint.
 */
public final class Checkpoints {

    static final String LATEST = "latest";
    static final String META = "checkpoint.json";

    /**
     * Whether a checkpoint beyond {@code train.keep_last} may be deleted now. Remote trackers upload checkpoints in the
     * background; deleting one a tracker has not sent yet would lose it there, so deletion waits until every tracker
     * has it (see {@code track.SinkRetention}). A deferred checkpoint is deleted at a later save or prune.
     */
    @FunctionalInterface
    public interface Retention {
        Retention ANY = c -> true;

        boolean mayDelete(Checkpoint checkpoint) throws IOException;
    }

    private final Path root;
    private final Clock clock;
    private final Retention retention;

    public Checkpoints(Path root, Clock clock) {
        this(root, clock, Retention.ANY);
    }

    public Checkpoints(Path root, Clock clock, Retention retention) {
        this.root = root;
        this.clock = clock;
        this.retention = retention;
    }

    /** Writes the stage's checkpoint files into the (temporary) checkpoint folder it is given. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path dir) throws IOException;
    }

    /**
     * Saves a checkpoint and returns it. The Artifact event announcing it is journaled first and its seq recorded in the
     * checkpoint, so a resume from here keeps exactly the events up to and including that announcement.
     *
     * @param name     folder name (the step for training; see {@link Stage#checkpointName})
     * @param keepLast how many checkpoints of this stage to keep; older ones are deleted after the save, once the
     *                 {@link Retention} releases them
     */
    public Checkpoint save(String stage, String name, long epoch, long step, Map<String, Object> state,
                           FileWriter files, LocalTracker tracker, int keepLast) throws IOException {
        if (!name.matches("[A-Za-z0-9_.-]+") || name.equals(LATEST) || name.startsWith(".")) {
            throw new IllegalArgumentException("bad checkpoint name: " + name);
        }
        Files.createDirectories(root);
        tracker.log(new RunEvent.Artifact(clock.millis(), step, "checkpoint", "checkpoints/" + name));
        Checkpoint meta = new Checkpoint(name, stage, epoch, step, tracker.lastSeq(), clock.instant().toString(), state, null);

        Path tmp = root.resolve(".tmp-" + name);
        AtomicFiles.deleteTree(tmp);
        Files.createDirectories(tmp);
        files.write(tmp);
        Files.write(tmp.resolve(META), RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
        AtomicFiles.fsyncTree(tmp);

        Path target = root.resolve(name);
        // Only possible when steps after an older checkpoint are being redone; 'latest' does not point here.
        AtomicFiles.deleteTree(target);
        AtomicFiles.move(tmp, target);
        AtomicFiles.fsyncDirectory(root);
        AtomicFiles.writeString(root.resolve(LATEST), name + "\n");
        prune(stage, keepLast, name);
        return meta.in(target);
    }

    /** The checkpoint the {@code latest} pointer names, if any. */
    public Optional<Checkpoint> latest() throws IOException {
        Path pointer = root.resolve(LATEST);
        if (!Files.exists(pointer)) {
            return Optional.empty();
        }
        String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
        Path dir = root.resolve(name);
        if (name.isEmpty() || !Files.exists(dir.resolve(META))) {
            throw new IOException(pointer + " names checkpoint '" + name + "' but " + dir.resolve(META) + " does not exist");
        }
        return Optional.of(read(dir));
    }

    /** Every committed checkpoint, oldest step first. */
    public List<Checkpoint> list() throws IOException {
        List<Checkpoint> all = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return all;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (Files.isDirectory(d) && !d.getFileName().toString().startsWith(".") && Files.exists(d.resolve(META))) {
                    all.add(read(d));
                }
            }
        }
        all.sort(Comparator.comparingLong(Checkpoint::step).thenComparing(Checkpoint::journalSeq));
        return all;
    }

    private static Checkpoint read(Path dir) throws IOException {
        return RunJson.mapper().readValue(dir.resolve(META).toFile(), Checkpoint.class).in(dir);
    }

    /**
     * Deletes, in every stage, the checkpoints beyond the newest {@code keepLast} that the retention now releases
     * (those whose deletion was deferred at their save because a tracker had not sent them yet).
     */
    public void pruneReleased(int keepLast) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        for (String stage : list().stream().map(Checkpoint::stage).distinct().toList()) {
            prune(stage, keepLast, null);
        }
    }

    private void prune(String stage, int keepLast, String keep) throws IOException {
        List<Checkpoint> ofStage = new ArrayList<>(list().stream().filter(c -> c.stage().equals(stage)).toList());
        int excess = ofStage.size() - Math.max(1, keepLast);
        for (int i = 0; i < ofStage.size() && excess > 0; i++) {
            Checkpoint c = ofStage.get(i);
            if (!c.name().equals(keep)) {
                excess--;
                if (retention.mayDelete(c)) {
                    AtomicFiles.deleteTree(c.dir());
                }
            }
        }
        try (Stream<Path> leftovers = Files.list(root)) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                if (p.getFileName().toString().startsWith(".tmp-")) {
                    AtomicFiles.deleteTree(p); // a save interrupted by a crash in an earlier attempt
                }
            }
        }
        AtomicFiles.fsyncDirectory(root);
    }
}
