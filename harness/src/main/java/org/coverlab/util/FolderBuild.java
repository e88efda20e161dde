package org.coverlab.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Builds a folder once, safely against kills and concurrent processes: under an OS file lock
 * ({@link GenerationLock}: {@code .<name>.generate.lock} beside the folder, released by the kernel when its holder
 * dies, even by kill -9, and deleted by its holder when done, so none is left behind), into a
 * private sibling ({@code .<name>.partial-<pid>}) that is fsync'd and renamed into place, so the folder is either
 * absent or complete. Processes that find the lock taken wait and then use what the holder built. Partial siblings
 * left by dead processes are removed before building. For caches that many runs share: the tiny base model, latent
 * caches, FID statistics, cover features.
 *
 * <p>A long build can keep its progress across kills in a work folder ({@code .<name>.work/} beside the target, see
 * {@link ResumableBuilder}): only the lock holder touches it, a killed build leaves it for the next one to continue
 * from, and it is removed once the target is in place.
 */
public final class FolderBuild {

    /** Writes the folder's content into {@code into} (an empty folder that becomes the target). */
    @FunctionalInterface
    public interface Builder {
        void build(Path into) throws IOException;
    }

    /**
     * Writes the folder's content into {@code into}, keeping whatever lets a later attempt continue in {@code work}
     * (kept across kills and failures, removed after the folder is in place).
     */
    @FunctionalInterface
    public interface ResumableBuilder {
        void build(Path into, Path work) throws IOException;
    }

    /**
     * Brings a folder that is there but not complete up to date in place (under the lock, instead of building a new
     * one), for a folder that readers may hold open: it must only add files no reader looks at yet and replace its
     * index files atomically (e.g. a synthetic set grown by covers that its CSV lists only once they are written).
     */
    @FunctionalInterface
    public interface Updater {
        void update(Path folder) throws IOException;
    }

    /** Threads of one JVM take turns here first: a JVM cannot hold two OS locks on one file. */
    private static final ConcurrentHashMap<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();

    private FolderBuild() {
    }

    /**
     * Makes sure {@code target} exists and is {@code complete}, building it with {@code builder} if not.
     *
     * @param complete     whether an existing folder is finished (e.g. its last-written file exists)
     * @param betweenPolls called while waiting for another process's build; may throw to give up (a run passes its
     *                     cancellation check)
     * @return true when this call built the folder, false when it was there or another process built it
     */
    public static boolean ensure(Path target, Predicate<Path> complete, Builder builder, Runnable betweenPolls)
            throws IOException, InterruptedException {
        return ensure(target, complete, (into, work) -> builder.build(into), betweenPolls);
    }

    /** As {@link #ensure(Path, Predicate, Builder, Runnable)}, with a work folder that survives an interrupted build. */
    public static boolean ensure(Path target, Predicate<Path> complete, ResumableBuilder builder, Runnable betweenPolls)
            throws IOException, InterruptedException {
        return ensure(target, complete, builder, null, betweenPolls);
    }

    /**
     * As {@link #ensure(Path, Predicate, Builder, Runnable)}, but a folder that exists and is not complete is
     * {@code updater}'s to bring up to date in place (under the same lock); only a missing folder is built into a
     * private sibling and renamed.
     */
    public static boolean ensure(Path target, Predicate<Path> complete, Builder builder, Updater updater,
                                 Runnable betweenPolls) throws IOException, InterruptedException {
        return ensure(target, complete, (into, work) -> builder.build(into), updater, betweenPolls);
    }

    private static boolean ensure(Path target, Predicate<Path> complete, ResumableBuilder builder, Updater updater,
                                  Runnable betweenPolls) throws IOException, InterruptedException {
        Path folder = target.toAbsolutePath().normalize();
        if (complete.test(folder)) {
            return false;
        }
        synchronized (IN_PROCESS.computeIfAbsent(folder, k -> new Object())) {
            return ensureLocked(folder, complete, builder, updater, betweenPolls);
        }
    }

    private static boolean ensureLocked(Path folder, Predicate<Path> complete, ResumableBuilder builder, Updater updater,
                                        Runnable betweenPolls) throws IOException, InterruptedException {
        Path parent = folder.getParent();
        Files.createDirectories(parent);
        String name = folder.getFileName().toString();
        // GenerationLock deletes its lock file when done, so no lock file is left beside the folder
        try (GenerationLock lock = GenerationLock.acquire(folder, new GenerationLock.Waiting(line -> { }, betweenPolls))) {
            if (complete.test(folder)) {
                return false; // built by the process that held the lock
            }
            removeDeadPartials(parent, name);
            if (updater != null && Files.isDirectory(folder)) {
                updater.update(folder);
                return true;
            }
            Path partial = parent.resolve("." + name + ".partial-" + ProcessHandle.current().pid());
            AtomicFiles.deleteTree(partial);
            Files.createDirectories(partial);
            Path work = parent.resolve("." + name + ".work");
            builder.build(partial, work);
            AtomicFiles.fsyncTree(partial);
            AtomicFiles.deleteTree(folder); // an incomplete folder from before this helper existed
            AtomicFiles.move(partial, folder);
            AtomicFiles.deleteTree(work);
            return true;
        }
    }

    /** Deletes {@code .<name>.partial-<pid>} siblings whose process is gone (a kill mid-build). */
    static void removeDeadPartials(Path parent, String name) throws IOException {
        String prefix = "." + name + ".partial-";
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path p : siblings.toList()) {
                String file = p.getFileName().toString();
                if (!file.startsWith(prefix)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(file.substring(prefix.length()));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                AtomicFiles.deleteTree(p);
            }
        }
    }
}
