package org.coverlab.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.coverlab.model.bench.OpProfile;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The Java worker of {@link SideBySide}, driven over stdin/stdout with the same line protocol as
 * {@code scripts/bench_reference.py --worker}:
 * <pre>
 *   setup NAME KIND BATCH WIDTH HEIGHT  -> ready SECONDS
 *   run N                               -> time SECONDS UNITS      (N iterations)
 *   rss                                 -> rss PEAK_MIB
 *   profile N TRACE_JSON                -> profiled TOP_LEVEL_OPS SELF_MS WALL_MS   (per-op table on stderr)
 *   quit
 * </pre>
 * Arguments: {@code MODEL_DIR COVERS_DIR THREADS}. Anything else it prints starts with '#'.
 */
public final class BenchWorker {
    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path covers = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        // library log lines go to stderr; stdout carries the protocol only
        System.setOut(System.err);
        // the engine applies -Dai.djl.pytorch.num_threads as it starts; say what it ended up with
        Engine.getEngine("PyTorch");
        System.err.println("intra-op threads " + JniUtils.getNumThreads() + " (asked " + threads + ")");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (NDManager root = NDManager.newBaseManager()) {
            Workload work = null;
            for (String line; (line = in.readLine()) != null; ) {
                String[] p = line.trim().split("\\s+");
                try {
                switch (p[0]) {
                    case "setup" -> {
                        long t0 = System.nanoTime();
                        String[] rowArgs = new String[p.length - 1];
                        System.arraycopy(p, 1, rowArgs, 0, rowArgs.length);
                        work = Workload.create(Rows.Row.parse(rowArgs), model, covers, root, threads);
                        out.printf(Locale.ROOT, "ready %.3f%n", (System.nanoTime() - t0) / 1e9);
                    }
                    case "run" -> {
                        int n = Integer.parseInt(p[1]);
                        long units = 0;
                        long t0 = System.nanoTime();
                        for (int i = 0; i < n; i++) {
                            work.run();
                            units += work.units();
                        }
                        out.printf(Locale.ROOT, "time %.6f %d%n", (System.nanoTime() - t0) / 1e9, units);
                    }
                    case "profile" -> {
                        int n = Integer.parseInt(p[1]);
                        Workload w = work;
                        OpProfile.Summary sum = OpProfile.profile(() -> {
                            for (int i = 0; i < n; i++) {
                                w.run();
                            }
                        }, Path.of(p[2]));
                        sum.print(System.err, 30);
                        out.printf(Locale.ROOT, "profiled %d %.1f %.1f%n", sum.topLevelOps(), sum.selfMillis(),
                                sum.wallMillis());
                    }
                    case "rss" -> out.printf(Locale.ROOT, "rss %.1f%n", peakRssMiB());
                    case "quit" -> {
                        if (work != null) {
                            work.close();
                        }
                        return;
                    }
                    default -> out.println("error unknown command " + line);
                }
                } catch (RuntimeException e) {
                    e.printStackTrace();
                    out.println("error " + String.valueOf(e.getMessage()).replace('\n', ' '));
                }
            }
        }
    }

    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
