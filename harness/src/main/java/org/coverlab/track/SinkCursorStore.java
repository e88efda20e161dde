package org.coverlab.track;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.coverlab.util.AtomicFiles;

/**
 * Durable sink cursors: {@code runs/<id>/sinks/<name>.json} holding {@code {"seq", "step", "fingerprint", "updated"}}.
 * Written with {@link AtomicFiles} (temp file, fsync, rename), so a crash leaves either the old or the new cursor,
 * never a torn one.
 */
public final class SinkCursorStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public SinkCursorStore(Path runDir) {
        this.dir = runDir.resolve("sinks");
    }

    public Path fileFor(String sink) {
        return dir.resolve(sink + ".json");
    }

    /** The cursor name of a sink's checkpoint lane (see {@link RemoteSink#uploadsCheckpointsBeside}). */
    public static String uploadsOf(String sink) {
        return sink + ".uploads";
    }

    /**
     * How far the sink has every checkpoint: its checkpoint lane's cursor where it has one, else its only cursor
     * (a sink that sends checkpoints in journal order with everything else).
     */
    public Optional<SinkCursor> readCheckpoints(String sink) throws IOException {
        return exists(uploadsOf(sink)) ? read(uploadsOf(sink)) : read(sink);
    }

    public boolean exists(String sink) {
        return Files.isRegularFile(fileFor(sink));
    }

    /** The stored cursor, or empty when the sink never acknowledged anything. */
    public Optional<SinkCursor> read(String sink) throws IOException {
        Path file = fileFor(sink);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a sink cursor (" + e.getMessage()
                    + "); delete it to replay the whole journal to '" + sink + "' (steps already sent are then sent again)", e);
        }
        if (node == null || !node.path("seq").canConvertToLong()) {
            throw new IOException(file + ": expected an object with a numeric \"seq\"");
        }
        return Optional.of(new SinkCursor(node.path("seq").asLong(), node.path("step").asLong(-1),
                node.path("fingerprint").asText("")));
    }

    public void write(String sink, SinkCursor cursor) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", cursor.seq());
        node.put("step", cursor.step());
        node.put("fingerprint", cursor.fingerprint());
        node.put("updated", Instant.now().toString());
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        AtomicFiles.write(fileFor(sink), bytes);
    }
}
