package org.coverlab.study;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.coverlab.run.RunJson;
import org.coverlab.util.AtomicFiles;

/**
 * The layout of one study folder, {@code studies/<study-id>/}:
 * <pre>
 *   study.json        what the study is: name, members (run ids, specs, overrides), runs folder, executor settings
 *   study.yaml        a copy of the study file as submitted
 *   study.log         what study commands did (submissions, cancels), appended
 *   members/ID.out    a member's console (stdout and stderr of its process), appended across attempts
 *   executor/         the executor's own records (e.g. slurm.json: job ids per submission)
 *   cancelled         present once 'study cancel' ran: executors start no further members
 *   summary.csv       the status table as last computed (also sent to MLflow as the parent run's artifact)
 * </pre>
 */
public record StudyDir(String id, Path path) {

    public Path record() {
        return path.resolve("study.json");
    }

    public Path studyFile() {
        return path.resolve("study.yaml");
    }

    public Path log() {
        return path.resolve("study.log");
    }

    /** Where a member's console goes (the local executor redirects the process to it; Slurm's --output). */
    public Path memberOutput(String runId) {
        return path.resolve("members").resolve(runId + ".out");
    }

    /** A folder the named executor may keep its records in (created on first use). */
    public Path executorFolder(String executor) throws IOException {
        return Files.createDirectories(path.resolve("executor").resolve(executor));
    }

    public Path cancelMarker() {
        return path.resolve("cancelled");
    }

    public boolean isCancelled() {
        return Files.exists(cancelMarker());
    }

    public Path summaryCsv() {
        return path.resolve("summary.csv");
    }

    public StudyRecord read() throws IOException {
        return RunJson.mapper().readValue(record().toFile(), StudyRecord.class);
    }

    void write(StudyRecord record) throws IOException {
        AtomicFiles.write(record(), RunJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
    }

    /** Appends one line to study.log (flushed; the log is for people, never parsed). */
    public synchronized void log(String line) throws IOException {
        Files.writeString(log(), line + "\n", java.nio.charset.StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
