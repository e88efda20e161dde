package org.coverlab.run;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the machine and this process while a run goes and journals each sample as {@link RunEvent.SystemMetrics},
 * so, like every other figure, it is on disk first and reaches the trackers from the journal. The keys are the W&B
 * SDK's system metrics: {@code system.cpu} (this process's CPU use, % of the whole machine), {@code
 * system.proc.memory.rssMB}, {@code system.proc.memory.percent} (RSS of total memory), {@code
 * system.proc.memory.availableMB} (memory the machine still has), {@code system.memory_percent} (machine memory in
 * use), {@code system.disk./.usagePercent} and {@code system.disk./.usageGB}, {@code system.proc.cpu.threads}. A key
 * this platform cannot read is left out (RSS and available memory come from /proc on Linux).
 *
 * <p>The first sample is taken one interval after the start, as the SDK's CPU figure needs an interval to mean
 * anything, so runs shorter than the interval journal none.
 */
public final class SystemSampler implements AutoCloseable {

    private static final double MB = 1024.0 * 1024.0;

    private final ScheduledExecutorService timer;

    private SystemSampler(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts sampling every {@code interval} into {@code tracker}; a zero interval samples nothing. */
    public static SystemSampler start(Tracker tracker, Clock clock, Duration interval, RunLog log) {
        if (interval.isZero()) {
            return new SystemSampler(null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "coverlab-system-metrics");
            thread.setDaemon(true);
            return thread;
        });
        long every = interval.toMillis();
        timer.scheduleAtFixedRate(() -> {
            try {
                tracker.log(new RunEvent.SystemMetrics(clock.millis(), sample()));
            } catch (RuntimeException e) {
                log.warn("system metrics not journaled: {}", e.toString()); // the run goes on without them
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return new SystemSampler(timer);
    }

    /** One sample of the figures this platform can give. */
    public static Map<String, Double> sample() {
        Map<String, Double> values = new TreeMap<>();
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double cpu = os.getProcessCpuLoad();
            if (cpu >= 0) {
                values.put("system.cpu", 100.0 * cpu);
            }
            long total = os.getTotalMemorySize();
            OptionalDouble available = procKilobytes(Path.of("/proc/meminfo"), "MemAvailable:");
            double availableBytes = available.isPresent() ? available.getAsDouble() * 1024 : os.getFreeMemorySize();
            if (total > 0) {
                values.put("system.memory_percent", 100.0 * (total - availableBytes) / total);
                values.put("system.proc.memory.availableMB", availableBytes / MB);
            }
            OptionalDouble rss = procKilobytes(Path.of("/proc/self/status"), "VmRSS:");
            if (rss.isPresent()) {
                values.put("system.proc.memory.rssMB", rss.getAsDouble() * 1024 / MB);
                if (total > 0) {
                    values.put("system.proc.memory.percent", 100.0 * rss.getAsDouble() * 1024 / total);
                }
            }
        }
        values.put("system.proc.cpu.threads", (double) ManagementFactory.getThreadMXBean().getThreadCount());
        try {
            FileStore root = Files.getFileStore(Path.of("/"));
            long used = root.getTotalSpace() - root.getUnallocatedSpace();
            if (root.getTotalSpace() > 0) {
                values.put("system.disk./.usagePercent", 100.0 * used / root.getTotalSpace());
                values.put("system.disk./.usageGB", used / (MB * 1024));
            }
        } catch (IOException | RuntimeException e) {
            // no disk figures where the root cannot be read
        }
        return values;
    }

    /** A "Key:   123 kB" line of a /proc file, in kB. */
    private static OptionalDouble procKilobytes(Path file, String key) {
        try {
            if (!Files.isReadable(file)) {
                return OptionalDouble.empty();
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).strip().split("\\s+");
                    return OptionalDouble.of(Double.parseDouble(parts[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // left out of the sample
        }
        return OptionalDouble.empty();
    }

    /** Stops sampling; a sample being journaled finishes first, so none lands after the run's last event. */
    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
