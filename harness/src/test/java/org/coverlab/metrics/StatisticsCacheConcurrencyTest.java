package org.coverlab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.coverlab.run.CoverlabProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes that need the same reference statistics at the same moment (two study members starting together)
 * compute them once: one extracts every image, the other waits for it, and both read the same bytes.
 */
class StatisticsCacheConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void twoProcessesAskingTogetherComputeTheEntryOnceAndReadTheSameStatistics() throws Exception {
        Path cache = dir.resolve("fid-stats");
        Path counts = dir.resolve("extracted.txt");
        Path go = dir.resolve("go");
        Process a = worker(cache, counts, "a", go);
        Process b = worker(cache, counts, "b", go);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!(Files.exists(dir.resolve("a.txt.ready")) && Files.exists(dir.resolve("b.txt.ready")))) {
            assertTrue(System.nanoTime() < deadline, "workers did not start");
            Thread.sleep(50);
        }
        Files.writeString(go, "go");

        assertTrue(a.waitFor(180, TimeUnit.SECONDS) && b.waitFor(180, TimeUnit.SECONDS), "workers end");

        String outA = Files.readString(dir.resolve("a.out"));
        String outB = Files.readString(dir.resolve("b.out"));
        assertEquals(0, a.exitValue(), outA);
        assertEquals(0, b.exitValue(), outB);
        assertEquals(StatisticsCacheWorker.IMAGES, Files.readAllLines(counts).size(), "every image extracted once, by one process");
        assertEquals(Files.readString(dir.resolve("a.txt")), Files.readString(dir.resolve("b.txt")));
        try (var files = Files.list(cache)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
            assertEquals(1, names.size(), "one entry and no partial folder left: " + names);
        }
    }

    private Process worker(Path cache, Path counts, String name, Path go) throws Exception {
        return CoverlabProcess.start(dir, dir.resolve(name + ".out"), StatisticsCacheWorker.class.getName(), List.of(),
                cache.toString(), counts.toString(), dir.resolve(name + ".txt").toString(), go.toString());
    }
}
