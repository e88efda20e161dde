package org.coverlab.data;

import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stop during synthetic generation ends it between covers, without waiting for the whole set. */
class SyntheticGenerationStopTest {

    @TempDir
    Path dir;

    @Test
    void aStopEndsGenerationBetweenCoversAndNoWriterKeepsGoing() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        IllegalStateException stop = new IllegalStateException("stopped by the test");
        GeneratorOptions options = new GeneratorOptions(20_000, 0, 64, 96, 2);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                SyntheticCoverSet.write(dir, options, () -> {
                    if (polls.incrementAndGet() >= 2) {
                        throw stop;
                    }
                }));
        assertEquals(stop, thrown);
        long written = jpegs();
        assertTrue(written < 20_000, written + " covers written: the stop did not wait for the set");
        assertFalse(Files.exists(dir.resolve(SyntheticCoverSet.CSV)), "no CSV for a set cut short");
        Thread.sleep(500);
        assertEquals(written, jpegs(), "every worker stopped with the cover in hand");
    }

    private long jpegs() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("images/images"))) {
            return files.count();
        }
    }
}
