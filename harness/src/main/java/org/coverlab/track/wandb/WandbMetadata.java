package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.coverlab.track.RunSource;

/**
 * The run metadata the SDK uploads as {@code wandb-metadata.json} and repeats in the config under
 * {@code _wandb.e.<writerId>}, which the W&B run page's overview shows: OS, host, program and arguments, git commit
 * and remote, working directory, executable, CPU count and model, memory and disk. Field names are the SDK 0.31's
 * (its {@code EnvironmentRecord} message in JSON: {@code startedAt}, {@code cpu_count}, {@code writerId}; byte counts
 * as strings, as protobuf's JSON writes 64-bit numbers). One field is coverlab's own: {@code java}, the JVM that ran
 * it, where a Python client writes {@code python}.
 */
final class WandbMetadata {

    private WandbMetadata() {}

    /** A new writer id for one process's session with a run (the SDK makes one per wandb.init). */
    static String newWriterId() {
        return UUID.randomUUID().toString();
    }

    static ObjectNode of(RunSource source, Instant startedAt, String writerId, ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("os", source.os());
        node.put("java", source.java());
        node.put("startedAt", startedAt.toString());
        node.putArray("args").addAll(source.args().stream().map(json.getNodeFactory()::textNode).toList());
        node.put("program", source.program());
        if (!source.gitCommit().isBlank() || !source.gitRemote().isBlank()) {
            ObjectNode git = node.putObject("git");
            WandbSink.putIfSet(git, "remote", source.gitRemote());
            WandbSink.putIfSet(git, "commit", source.gitCommit());
        }
        node.put("root", Path.of("").toAbsolutePath().toString());
        node.put("host", source.host());
        WandbSink.putIfSet(node, "username", source.user());
        ProcessHandle.current().info().command().ifPresent(java -> node.put("executable", java));
        node.put("cpu_count", source.cpuCount());
        node.put("cpu_count_logical", source.cpuCount());
        try {
            FileStore root = Files.getFileStore(Path.of("/"));
            node.putObject("disk").putObject("/").put("total", Long.toString(root.getTotalSpace()))
                    .put("used", Long.toString(root.getTotalSpace() - root.getUnallocatedSpace()));
        } catch (IOException | RuntimeException e) {
            // no disk figures where the root cannot be read
        }
        if (source.memoryBytes() > 0) {
            node.putObject("memory").put("total", Long.toString(source.memoryBytes()));
        }
        cpuModel().ifPresent(model -> node.putObject("cpu").put("model", model));
        node.put("writerId", writerId);
        return node;
    }

    /** The CPU's model name from /proc/cpuinfo (Linux), as the SDK reports it; empty elsewhere. */
    private static java.util.Optional<String> cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                    if (line.startsWith("model name")) {
                        return java.util.Optional.of(line.substring(line.indexOf(':') + 1).strip());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the model is only informative
        }
        return java.util.Optional.empty();
    }
}
