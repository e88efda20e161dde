package org.coverlab.track.wandb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Splits what one batch adds to a run's files into file-stream request bodies below W&B's size limit. Each body is
 * {@code {"files": {"wandb-history.jsonl": {"offset", "content"}, "output.log": ..., "wandb-summary.json": ...},
 * "uploaded": [...], "complete", "exitcode"}} with empty parts left out; lines keep their order and offsets, and the
 * summary, uploaded paths and completion ride on the last body, after every history line they refer to.
 */
final class FileStreamRequests {

    static final String HISTORY = "wandb-history.jsonl";
    static final String SUMMARY = "wandb-summary.json";
    static final String OUTPUT = "output.log";
    static final String EVENTS = "wandb-events.jsonl";
    /** W&B accepts about 10 MiB per request; stay well below it. */
    static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

    private final ObjectMapper json;
    private final int maxBytes;
    private final List<ObjectNode> bodies = new ArrayList<>();
    private ObjectNode current;
    private int currentBytes;

    FileStreamRequests(ObjectMapper json, int maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    FileStreamRequests lines(String file, long offset, List<String> lines) {
        long lineOffset = offset;
        for (String line : lines) {
            int size = line.length() + 8;
            if (current != null && currentBytes + size > maxBytes) {
                closeCurrent();
            }
            ObjectNode files = open().withObjectProperty("files");
            ObjectNode entry = files.has(file) ? (ObjectNode) files.get(file) : files.putObject(file);
            if (!entry.has("offset")) {
                entry.put("offset", lineOffset);
            }
            entry.withArrayProperty("content").add(line);
            currentBytes += size;
            lineOffset++;
        }
        return this;
    }

    List<ObjectNode> finish(ObjectNode summaryOrNull, Collection<String> uploaded, Integer exitCode) {
        if (summaryOrNull != null || !uploaded.isEmpty() || exitCode != null || bodies.isEmpty()) {
            ObjectNode last = open();
            if (summaryOrNull != null) {
                ObjectNode summary = last.withObjectProperty("files").putObject(SUMMARY);
                summary.put("offset", 0);
                summary.putArray("content").add(write(summaryOrNull));
            }
            if (!uploaded.isEmpty()) {
                ArrayNode list = last.putArray("uploaded");
                uploaded.forEach(list::add);
            }
            if (exitCode != null) {
                last.put("complete", true);
                last.put("exitcode", exitCode);
            }
        }
        closeCurrent();
        // A body with nothing in it is a heartbeat; only send one when the batch had nothing else.
        return bodies.stream().filter(b -> !b.isEmpty()).toList();
    }

    String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a W&B history line", e);
        }
    }

    private ObjectNode open() {
        if (current == null) {
            current = json.createObjectNode();
            currentBytes = 0;
        }
        return current;
    }

    private void closeCurrent() {
        if (current != null) {
            if (current.has("files") && current.get("files").isEmpty()) {
                current.remove("files");
            }
            bodies.add(current);
            current = null;
        }
    }
}
