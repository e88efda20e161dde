package org.coverlab.model.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libtorch's own profiler around a piece of work, summarised by operator: how many top-level calls (each one JNI
 * round trip from Java) and how much self time each operator name took. This is the profile BENCHMARKS.md quotes
 * for rows slower than PyTorch; the raw Chrome trace stays on disk for chrome://tracing.
 */
public final class OpProfile {
    /** One operator's totals. */
    public record OpTotal(String name, long calls, long topLevelCalls, double selfMillis) {
    }

    /** The totals of one profiled run. */
    public record Summary(long topLevelOps, double selfMillis, double wallMillis, List<OpTotal> byOp) {
        public void print(PrintStream out, int top) {
            out.printf(Locale.ROOT, "%d top-level ops, %.1f ms operator self time, %.1f ms wall%n", topLevelOps,
                    selfMillis, wallMillis);
            out.printf(Locale.ROOT, "%-44s %8s %8s %10s%n", "operator", "calls", "top", "self ms");
            byOp.stream().limit(top).forEach(o -> out.printf(Locale.ROOT, "%-44s %8d %8d %10.1f%n",
                    o.name().length() > 44 ? o.name().substring(0, 44) : o.name(), o.calls(), o.topLevelCalls(),
                    o.selfMillis()));
        }
    }

    private OpProfile() {
    }

    /** Runs {@code work} under the profiler, writes the Chrome trace to {@code trace} and summarises it. */
    public static Summary profile(Runnable work, Path trace) {
        JniUtils.startProfile(false, false, false);
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            JniUtils.stopProfile(trace.toAbsolutePath().toString());
        }
        double wall = (System.nanoTime() - start) / 1e6;
        return summarise(trace, wall);
    }

    static Summary summarise(Path trace, double wallMillis) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(trace));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read profiler trace " + trace, e);
        }
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<Long, List<JsonNode>> byThread = new HashMap<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
                byThread.computeIfAbsent(e.path("tid").asLong(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, double[]> totals = new HashMap<>(); // calls, top-level calls, self micros
        long topLevel = 0;
        double self = 0;
        for (List<JsonNode> list : byThread.values()) {
            list.sort(Comparator.comparingDouble((JsonNode e) -> e.path("ts").asDouble())
                    .thenComparing(e -> -e.path("dur").asDouble()));
            Deque<double[]> stack = new ArrayDeque<>(); // end, index into names
            List<String> names = new ArrayList<>();
            List<double[]> selfOf = new ArrayList<>();
            for (JsonNode e : list) {
                double ts = e.path("ts").asDouble();
                double dur = e.path("dur").asDouble();
                while (!stack.isEmpty() && stack.peek()[0] <= ts) {
                    stack.pop();
                }
                String name = e.path("name").asText();
                double[] t = totals.computeIfAbsent(name, k -> new double[3]);
                t[0]++;
                if (stack.isEmpty()) {
                    t[1]++;
                    topLevel++;
                } else {
                    // a child's time is not its parent's self time
                    selfOf.get((int) stack.peek()[1])[0] -= dur;
                }
                names.add(name);
                selfOf.add(new double[] {dur});
                stack.push(new double[] {ts + dur, names.size() - 1});
            }
            for (int i = 0; i < names.size(); i++) {
                totals.get(names.get(i))[2] += selfOf.get(i)[0];
                self += selfOf.get(i)[0];
            }
        }
        List<OpTotal> ops = new ArrayList<>();
        totals.forEach((k, v) -> ops.add(new OpTotal(k, (long) v[0], (long) v[1], v[2] / 1000)));
        ops.sort(Comparator.comparingDouble(OpTotal::selfMillis).reversed());
        return new Summary(topLevel, self / 1000, wallMillis, ops);
    }
}
