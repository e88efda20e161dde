package org.coverlab.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process peak RSS from /proc, the load average, and the bytes held by NDArrays of a manager. */
public final class MemoryProbe {
    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {
    }

    /** Current resident set size in MiB (VmRSS), or -1 where /proc is unavailable. */
    public static double rssMiB() {
        return status("VmRSS:");
    }

    /** Peak resident set size in MiB (VmHWM), or -1 where /proc is unavailable. */
    public static double peakRssMiB() {
        return status("VmHWM:");
    }

    private static double status(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** The 1/5/15-minute load averages, to judge whether other processes distorted the timings. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Bytes of all live NDArrays in a manager (not its children), i.e. what one step keeps allocated. */
    static long liveBytes(NDManager manager) {
        long total = 0;
        for (NDArray a : manager.getManagedArrays()) {
            if (!a.isReleased()) {
                total += a.size() * a.getDataType().getNumOfBytes();
            }
        }
        return total;
    }
}
