package org.coverlab.track.wandb;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.coverlab.util.Sha256;

/**
 * A sample grid as W&B stores an image in history: uploaded as {@code media/images/<key>_<step>_<sha256[:20]>.png}
 * and referenced from the row by an {@code image-file} value with its hash, size and pixel size (field for field
 * what the SDK writes; checked against SDK output in WandbSdkConformanceTest).
 */
record MediaFile(String remotePath, Path local, String sha256, long size, int width, int height) {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static MediaFile png(Path file, String key, long step) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 24 || !ByteBuffer.wrap(bytes, 0, 8).equals(ByteBuffer.wrap(PNG_SIGNATURE))
                || bytes[12] != 'I' || bytes[13] != 'H' || bytes[14] != 'D' || bytes[15] != 'R') {
            throw new IOException(file + " is not a PNG image");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 16, 8);
        int width = header.getInt();
        int height = header.getInt();
        String sha = Sha256.ofBytes(bytes);
        // As the SDK: a "/" in the key becomes a folder under media/images; anything else unusable in a path is "_".
        String safeKey = key.replaceAll("[^A-Za-z0-9_./-]", "_").replaceAll("\\.\\.+", "_").replaceAll("^/+|/+$", "");
        return new MediaFile("media/images/" + safeKey + "_" + step + "_" + sha.substring(0, 20) + ".png",
                file, sha, bytes.length, width, height);
    }

    ObjectNode historyValue(String caption) {
        ObjectNode value = JsonNodeFactory.instance.objectNode();
        value.put("_type", "image-file");
        value.put("path", remotePath);
        value.put("sha256", sha256);
        value.put("size", size);
        value.put("format", "png");
        value.put("width", width);
        value.put("height", height);
        if (caption != null && !caption.isBlank()) {
            value.put("caption", caption);
        }
        return value;
    }
}
