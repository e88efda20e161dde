package org.coverlab.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

    /** FIPS 180-2 test vector. */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void bytesTextAndFileOfTheSameContentGiveTheStandardDigest(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("abc.txt"), "abc");
        assertEquals(ABC, Sha256.ofBytes("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ABC, Sha256.ofText("abc"));
        assertEquals(ABC, Sha256.ofFile(f));
    }

    @Test
    void folderDigestSkipsMissingFilesAndDependsOnWhichFileHoldsTheBytes(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.writeString(dir.resolve("a/x"), "12");
        Files.writeString(dir.resolve("a/y"), "3");
        String both = Sha256.ofFiles(dir, List.of("a/x", "a/y"));
        assertEquals(both, Sha256.ofFiles(dir, List.of("a/x", "missing", "a/y")));

        Files.writeString(dir.resolve("a/x"), "1");
        Files.writeString(dir.resolve("a/y"), "23");
        assertNotEquals(both, Sha256.ofFiles(dir, List.of("a/x", "a/y")), "same concatenated bytes, different files");
    }
}
