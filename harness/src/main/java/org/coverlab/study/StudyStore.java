package org.coverlab.study;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.coverlab.run.RunId;
import org.coverlab.util.BadInputException;

/** The studies folder: one {@link StudyDir} per study id (ids drawn like run ids). */
public final class StudyStore {

    /** Environment variable naming the studies folder when {@code --studies-dir} is not given. */
    public static final String ENV = "COVERLAB_STUDIES_DIR";

    private final Path root;
    private final RunId ids;

    public StudyStore(Path root, RunId ids) {
        this.root = root.toAbsolutePath().normalize();
        this.ids = ids;
    }

    /**
     * {@code --studies-dir} if given, else $COVERLAB_STUDIES_DIR, else {@code studies/} beside the runs folder
     * ({@code ./studies} for the default {@code ./runs}); relative paths resolve against {@code cwd}.
     */
    public static Path resolveRoot(Path flag, Map<String, String> env, Path cwd, Path runsRoot) {
        if (flag != null) {
            return cwd.resolve(flag).toAbsolutePath().normalize();
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return cwd.resolve(fromEnv).toAbsolutePath().normalize();
        }
        Path parent = runsRoot.toAbsolutePath().normalize().getParent();
        return (parent == null ? cwd : parent).resolve("studies");
    }

    public Path root() {
        return root;
    }

    /** A new, empty study folder under a fresh id. */
    StudyDir createFolder() throws IOException {
        Files.createDirectories(root);
        for (int attempt = 0; attempt < 50; attempt++) {
            String id = ids.next();
            try {
                return new StudyDir(id, Files.createDirectory(root.resolve(id)));
            } catch (FileAlreadyExistsException e) {
                // taken: draw again
            }
        }
        throw new IOException("could not find a free study id in " + root);
    }

    /** The study of an id, or bad input saying what is wrong. */
    public StudyDir find(String id) {
        if (!RunId.isValid(id)) {
            throw new BadInputException("'" + id + "' is not a study id (study ids are " + RunId.LENGTH
                    + " characters of 0-9 and a-z, printed by 'coverlab study run')");
        }
        Path path = root.resolve(id);
        if (!Files.isRegularFile(path.resolve("study.json"))) {
            throw new BadInputException("no study '" + id + "' in " + root + " (--studies-dir or " + ENV
                    + " select another studies folder)");
        }
        return new StudyDir(id, path);
    }
}
