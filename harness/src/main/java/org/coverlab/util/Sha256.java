package org.coverlab.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 as lowercase hex, the form run records, provenance, spec hashes and W&B file digests use: of bytes, of
 * UTF-8 text, of a file (streamed), and of a chosen set of files under a folder.
 */
public final class Sha256 {

    private Sha256() {
    }

    public static String ofBytes(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String ofText(String text) {
        return ofBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String ofFile(Path file) throws IOException {
        MessageDigest digest = digest();
        update(digest, file);
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The files at {@code relativePaths} under {@code root} that exist, in the given order, each preceded by its
     * relative path and a NUL byte (so moving bytes between files changes the digest).
     */
    public static String ofFiles(Path root, List<String> relativePaths) throws IOException {
        MessageDigest digest = digest();
        for (String rel : relativePaths) {
            Path f = root.resolve(rel);
            if (Files.isRegularFile(f)) {
                digest.update(rel.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                update(digest, f);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, Path file) throws IOException {
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
