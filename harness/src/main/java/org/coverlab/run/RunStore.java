package org.coverlab.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.coverlab.util.AtomicFiles;

/** The local run store: a directory of run folders named by run id ({@link RunDir} describes one folder). */
public final class RunStore {

    /** Environment variable naming the runs directory when {@code --runs-dir} is not given. */
    public static final String ENV = "COVERLAB_RUNS_DIR";
    private static final int MAX_ID_ATTEMPTS = 50;

    private final Path root;
    private final RunId ids;
    private final Clock clock;

    public RunStore(Path root, RunId ids, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.ids = ids;
        this.clock = clock;
    }

    /** {@code --runs-dir} if given, else $COVERLAB_RUNS_DIR, else ./runs; relative paths resolve against {@code cwd}. */
    public static Path resolveRoot(Path flag, Map<String, String> env, Path cwd) {
        Path chosen = flag;
        if (chosen == null) {
            String fromEnv = env.get(ENV);
            chosen = fromEnv == null || fromEnv.isBlank() ? Path.of("runs") : Path.of(fromEnv);
        }
        return cwd.resolve(chosen).toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * Creates a run folder under a fresh id, locks it, and writes spec.yaml, run.json and the initial state. On any
     * failure the half-made folder is removed. {@code draft}'s id and createdAt are replaced.
     */
    public ActiveRun create(String specYaml, RunInfo draft) throws IOException {
        return create(specYaml, draft, RunStatus.RUNNING);
    }

    /**
     * Creates a run folder as {@link #create} does but leaves the run {@link RunStatus#PENDING} and unlocked: it exists
     * with its id and resolved spec, and {@code coverlab run --resume ID} (any process, any host sharing the folder)
     * starts it. Study members are made this way before they are handed to an executor.
     */
    public RunDir createPending(String specYaml, RunInfo draft) throws IOException {
        ActiveRun run = create(specYaml, draft, RunStatus.PENDING);
        run.lock().close();
        return run.dir();
    }

    private ActiveRun create(String specYaml, RunInfo draft, RunStatus initial) throws IOException {
        Files.createDirectories(root);
        String id = null;
        Path path = null;
        for (int attempt = 0; attempt < MAX_ID_ATTEMPTS && path == null; attempt++) {
            String candidate = ids.next();
            try {
                path = Files.createDirectory(root.resolve(candidate));
                id = candidate;
            } catch (FileAlreadyExistsException e) {
                // collision with an existing run: draw again
            }
        }
        if (path == null) {
            throw new IOException("could not find a free run id in " + root + " after " + MAX_ID_ATTEMPTS + " attempts");
        }
        RunDir dir = new RunDir(id, path);
        RunLock lock = null;
        try {
            lock = RunLock.acquire(id, dir.lockFile());
            Files.createDirectories(dir.checkpoints());
            Files.createDirectories(dir.samples());
            Files.createDirectories(dir.eval());
            AtomicFiles.writeString(dir.spec(), specYaml);
            String now = clock.instant().toString();
            RunInfo info = new RunInfo(id, draft.name(), now, draft.specSource(), draft.specSha256(), draft.stages(),
                    draft.trackers(), draft.overrides(), draft.harnessVersion(), draft.provenance(), draft.study());
            dir.writeInfo(info);
            RunLock.Owner me = RunLock.Owner.current();
            boolean pending = initial == RunStatus.PENDING;
            dir.writeState(new RunState(initial, null, 0, 0, null, List.of(), 0, pending ? 0 : me.pid(),
                    pending ? null : me.host(), now, now, null));
            AtomicFiles.fsyncDirectory(root);
            return new ActiveRun(dir, lock);
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            AtomicFiles.deleteTree(path);
            throw e;
        }
    }

    /** The run folder of an id, or {@link UnknownRunException} explaining what is wrong. */
    public RunDir find(String id) {
        if (!RunId.isValid(id)) {
            throw new UnknownRunException("'" + id + "' is not a run id (run ids are " + RunId.LENGTH
                    + " characters of 0-9 and a-z; 'coverlab runs list' shows them)");
        }
        Path path = root.resolve(id);
        if (!Files.isDirectory(path) || !Files.exists(path.resolve("run.json"))) {
            throw new UnknownRunException("no run '" + id + "' in " + root + " ('coverlab runs list' shows the runs there;"
                    + " --runs-dir or " + ENV + " select another runs directory)");
        }
        return new RunDir(id, path);
    }

    /** Every complete run folder, newest first (by creation time in run.json, then id). */
    public List<RunDir> list() throws IOException {
        List<RunDir> runs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return runs;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                String name = p.getFileName().toString();
                if (RunId.isValid(name) && Files.exists(p.resolve("run.json"))) {
                    runs.add(new RunDir(name, p));
                }
            }
        }
        runs.sort(Comparator.comparing((RunDir d) -> createdAt(d)).reversed().thenComparing(RunDir::id));
        return runs;
    }

    private static String createdAt(RunDir dir) {
        try {
            return dir.readInfo().createdAt();
        } catch (IOException e) {
            return "";
        }
    }
}
