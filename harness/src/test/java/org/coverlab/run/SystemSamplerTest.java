package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemSamplerTest {

    @TempDir
    Path dir;

    @Test
    void aSampleHoldsTheSdksSystemKeysWithPlausibleValues() {
        Map<String, Double> sample = SystemSampler.sample();
        assertTrue(sample.get("system.proc.cpu.threads") >= 1, sample.toString());
        for (String percent : List.of("system.cpu", "system.memory_percent", "system.proc.memory.percent",
                "system.disk./.usagePercent")) {
            if (sample.containsKey(percent)) {
                double v = sample.get(percent);
                assertTrue(v >= 0 && v <= 100, percent + " is a percentage: " + v);
            }
        }
        if (Files.isReadable(Path.of("/proc/self/status"))) { // Linux: RSS and available memory from /proc
            double rss = sample.get("system.proc.memory.rssMB");
            assertTrue(rss > 1 && rss < sample.get("system.proc.memory.availableMB") + rss * 100, "rss " + rss);
            assertTrue(sample.get("system.memory_percent") > 0, sample.toString());
        }
        assertTrue(sample.get("system.disk./.usageGB") > 0, sample.toString());
    }

    @Test
    void samplesAreJournaledEveryIntervalUntilClosed() throws Exception {
        List<RunEvent> logged = new CopyOnWriteArrayList<>();
        Tracker tracker = collecting(logged);
        try (RunLog log = new RunLog(dir.resolve("run.log"), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC())) {
            SystemSampler sampler = SystemSampler.start(tracker, Clock.systemUTC(), Duration.ofMillis(100), log);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (logged.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            sampler.close();
            int atClose = logged.size();
            assertTrue(atClose >= 2, "two samples at a 100 ms interval: " + logged);
            assertTrue(logged.stream().allMatch(e -> e instanceof RunEvent.SystemMetrics s
                    && s.values().containsKey("system.proc.cpu.threads")), logged.toString());
            Thread.sleep(300);
            assertEquals(atClose, logged.size(), "nothing is journaled after close");
        }
    }

    private static Tracker collecting(List<RunEvent> into) {
        return new Tracker() {
            @Override
            public void log(RunEvent event) {
                into.add(event);
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void aZeroIntervalSamplesNothing() throws Exception {
        List<RunEvent> logged = new CopyOnWriteArrayList<>();
        Tracker tracker = collecting(logged);
        try (RunLog log = new RunLog(dir.resolve("run.log"), new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC());
             SystemSampler sampler = SystemSampler.start(tracker, Clock.systemUTC(), Duration.ZERO, log)) {
            Thread.sleep(200);
        }
        assertTrue(logged.isEmpty());
    }
}
