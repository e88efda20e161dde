package org.coverlab.bench;

import ai.djl.engine.Engine;
import org.coverlab.data.synth.GeneratorOptions;
import org.coverlab.data.synth.SyntheticCoverSet;
import org.coverlab.metrics.FrechetDistance;
import org.coverlab.model.TinyPreset;
import org.coverlab.model.tokenizer.BpeTrainer;
import org.coverlab.spec.DatasetSpec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Java against PyTorch + diffusers on the same rows, the same diffusers folder, the same covers and the same
 * intra-op thread count, in one run: per row a Java worker ({@link BenchWorker}) and a Python worker
 * ({@code scripts/bench_reference.py}) each set up once, warm up, then run alternately A B A B; the table gives each
 * side's median throughput, its spread (min..max over rounds, as % of the median), the Java/Python ratio of medians
 * and each worker's peak RSS. Absolute numbers on a shared machine are noisy; the interleaved ratio is what holds.
 */
public final class SideBySide {
    /** What to run and how. */
    public record Options(Path work, String python, int threads, int rounds, double seconds, List<Rows.Row> rows,
                          boolean scaling) {
    }

    private final Options o;
    private final PrintStream out;

    public SideBySide(Options options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    /** Measured throughputs of one side of one row. */
    record Side(List<Double> perSecond, double rssMiB, String error) {
        double median() {
            List<Double> s = new ArrayList<>(perSecond);
            Collections.sort(s);
            int n = s.size();
            return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }

        String spread() {
            if (perSecond.isEmpty()) {
                return "";
            }
            double m = median();
            return String.format(Locale.ROOT, "%+.0f/%+.0f%%", 100 * (Collections.min(perSecond) / m - 1),
                    100 * (Collections.max(perSecond) / m - 1));
        }
    }

    public void run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path model = prepareModel();
        Path covers = prepareCovers();
        if (o.rows().stream().anyMatch(r -> r.kind() == Rows.Kind.FRECHET)) {
            // made once as pytorch-fid .npz files that both workers read: identical inputs, and neither side spends
            // its setup on two 2100 x 2048 covariances
            Workload.Frechet.inputs(covers);
        }
        header(model);
        if (o.scaling()) {
            scaling(model, covers);
        } else {
            compare(model, covers);
        }
        out.printf(Locale.ROOT, "%nload average at end: %s; total %.0f s%n", loadAverage(),
                (System.nanoTime() - start) / 1e9);
    }

    private void compare(Path model, Path covers) throws IOException, InterruptedException {
        out.println();
        out.println("| row | unit | Java median | spread | Python median | spread | Java/Python | Java peak RSS MiB"
                + " | Python peak RSS MiB |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Rows.Row row : o.rows()) {
            Side[] sides = measure(row, model, covers, true);
            Side j = sides[0];
            Side p = sides[1];
            String ratio = j.error() == null && p.error() == null
                    ? String.format(Locale.ROOT, "**%.2f**", j.median() / p.median()) : "error";
            String title = row.title() + (row.rounds(o.rounds()) != o.rounds() || row.warmups() != 2
                    ? String.format(Locale.ROOT, " (%d warm-up, %d rounds)", row.warmups(), row.rounds(o.rounds())) : "");
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f |%n", title, row.unit(),
                    cell(j), j.spread(), cell(p), p.spread(), ratio, j.rssMiB(), p.rssMiB());
            for (Side s : sides) {
                if (s.error() != null) {
                    out.println("|   error: " + s.error() + " | | | | | | | | |");
                }
            }
        }
    }

    private void scaling(Path model, Path covers) throws IOException, InterruptedException {
        out.println();
        out.println("| tiny UNet training step | examples/s (median) | spread | s/step | peak RSS MiB |");
        out.println("|---|---:|---:|---:|---:|");
        for (Rows.Row row : o.rows()) {
            Side j = measure(row, model, covers, false)[0];
            out.printf(Locale.ROOT, "| %s | %s | %s | %.3f | %.0f |%n", row.title(), cell(j), j.spread(),
                    row.batch() / j.median(), j.rssMiB());
        }
    }

    private static String cell(Side s) {
        return s.error() != null ? "error" : String.format(Locale.ROOT, "%.3g", s.median());
    }

    /** Sets up both workers, warms each up, alternates timed runs, reads peak RSS. */
    private Side[] measure(Rows.Row row, Path model, Path covers, boolean withPython)
            throws IOException, InterruptedException {
        List<Worker> workers = new ArrayList<>();
        workers.add(Worker.start(javaCommand(model, covers), "java", Map.of()));
        if (withPython) {
            Worker py = Worker.start(List.of(o.python(), script().toString(), "--worker", model.toString(),
                    covers.toString(), Integer.toString(o.threads())), "python",
                    // numpy/scipy's BLAS (the Fréchet row) on the same thread count as the Java side's OpenBLAS
                    Map.of("OPENBLAS_NUM_THREADS", Integer.toString(blasThreads()),
                            "MKL_NUM_THREADS", Integer.toString(blasThreads())));
            workers.add(py);
        }
        int k = workers.size();
        String[] error = new String[k];
        int[] n = new int[k];
        List<List<Double>> rates = new ArrayList<>();
        try {
            for (int i = 0; i < k; i++) {
                rates.add(new ArrayList<>());
                try {
                    workers.get(i).call("setup " + row.arg(), "ready");
                    String[] t = null;
                    for (int w = 0; w < Math.max(1, row.warmups()); w++) {
                        t = workers.get(i).call("run 1", "time");
                    }
                    n[i] = (int) Math.max(1, Math.round(o.seconds() / Double.parseDouble(t[1])));
                } catch (IOException e) {
                    error[i] = e.getMessage();
                }
            }
            for (int r = 0; r < row.rounds(o.rounds()); r++) {
                for (int i = 0; i < k; i++) {
                    if (error[i] != null) {
                        continue;
                    }
                    try {
                        String[] t = workers.get(i).call("run " + n[i], "time");
                        rates.get(i).add(Double.parseDouble(t[2]) / Double.parseDouble(t[1]));
                    } catch (IOException e) {
                        error[i] = e.getMessage();
                    }
                }
            }
            Side[] sides = new Side[k];
            for (int i = 0; i < k; i++) {
                double rss = -1;
                if (error[i] == null) {
                    rss = Double.parseDouble(workers.get(i).call("rss", "rss")[1]);
                }
                sides[i] = new Side(rates.get(i), rss, error[i]);
            }
            return sides;
        } finally {
            for (Worker w : workers) {
                w.stop();
            }
        }
    }

    private List<String> javaCommand(Path model, Path covers) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Dai.djl.offline=true",
                "-Dcoverlab.blas.threads=" + blasThreads(),
                "-Dai.djl.pytorch.num_threads=" + o.threads(), "-Dai.djl.pytorch.num_interop_threads=1",
                "-Xmx8g", "-cp", System.getProperty("java.class.path"), BenchWorker.class.getName(),
                model.toString(), covers.toString(), Integer.toString(o.threads())));
        return cmd;
    }

    /** OpenBLAS threads of the Fréchet row, both sides: -Dcoverlab.blas.threads (default 1, as NativeLapack). */
    private static int blasThreads() {
        return Integer.getInteger("coverlab.blas.threads", 1);
    }

    private Path script() {
        Path s = Path.of(System.getProperty("coverlab.home", ".")).resolve("scripts/bench_reference.py");
        if (!Files.isRegularFile(s)) {
            throw new IllegalStateException("cannot find " + s + " (set -Dcoverlab.home to the repository root)");
        }
        return s;
    }

    /** The tiny diffusers folder both sides load: $COVERLAB_TINY_MODEL, else one made once under the work dir. */
    private Path prepareModel() throws IOException {
        String env = System.getenv("COVERLAB_TINY_MODEL");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        Path folder = o.work().resolve("tiny-model");
        if (!Files.isRegularFile(folder.resolve("model_index.json"))) {
            Path tmp = Files.createDirectories(o.work()).resolve("tiny-model.tmp");
            deleteTree(tmp);
            List<String> captions = new ArrayList<>();
            GeneratorOptions books = new GeneratorOptions(2000, 0, 16, 16, 1);
            for (int i = 0; i < 2000; i++) {
                var b = SyntheticCoverSet.record(i, books);
                captions.add("A book cover with author " + String.join(", ", b.authors()) + ", book title " + b.title());
                captions.add(b.description());
            }
            TinyPreset.writeFolder(tmp, new BpeTrainer(TinyPreset.VOCAB_SIZE, 2).train(captions), 0);
            Files.move(tmp, folder);
        }
        return folder.toAbsolutePath();
    }

    /** 256 synthetic covers at the tiny training size, in the Goodreads layout (made once). */
    private Path prepareCovers() throws IOException {
        Path folder = o.work().resolve("covers");
        if (!Files.isRegularFile(folder.resolve(DatasetSpec.DEFAULT.csv()))) {
            Path tmp = Files.createDirectories(o.work()).resolve("covers.tmp");
            deleteTree(tmp);
            SyntheticCoverSet.write(tmp, new GeneratorOptions(256, 42, 64, 96, o.threads()));
            Files.move(tmp, folder);
        }
        return folder.toAbsolutePath();
    }

    private void header(Path model) throws IOException, InterruptedException {
        out.println("# coverlab side-by-side benchmark");
        out.printf(Locale.ROOT, "machine: %s, %d cores, %s; load average %s%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), memTotal(), loadAverage());
        out.printf(Locale.ROOT, "Java: %s %s, DJL %s, libtorch %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Engine.getDjlVersion(),
                Engine.getEngine("PyTorch").getVersion());
        if (!o.scaling()) {
            Process p = new ProcessBuilder(o.python(), script().toString(), "--versions").redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            out.println("Python: " + v.substring(v.lastIndexOf('\n') + 1));
        }
        out.printf(Locale.ROOT, "threads: %d intra-op on both sides (Java -Dai.djl.pytorch.num_threads, Python "
                        + "torch.set_num_threads), OMP_NUM_THREADS=%s, OMP_WAIT_POLICY=%s; fp32; %d rounds A B "
                        + "alternating after 2 warm-up iterations, ~%.0f s per timed run%n", o.threads(),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"), o.rounds(), o.seconds());
        out.printf(Locale.ROOT, "Frechet row: Java %s, Python numpy/scipy with OPENBLAS_NUM_THREADS=%d%n",
                FrechetDistance.Backend.preferred() == FrechetDistance.Backend.OPENBLAS
                        ? "OpenBLAS, " + blasThreads() + " thread(s) (-Dcoverlab.blas.threads)"
                        : "EJML (OpenBLAS unavailable)",
                blasThreads());
        out.println("model: " + model);
    }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }

    private static String memTotal() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return String.format(Locale.ROOT, "%.0f GiB RAM",
                            Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            return "? RAM";
        }
        return "? RAM";
    }

    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    /** One worker process and its line protocol. */
    private static final class Worker {
        private final Process process;
        private final BufferedReader from;
        private final BufferedWriter to;
        private final String name;

        private Worker(Process process, String name) {
            this.process = process;
            this.name = name;
            this.from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.to = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        }

        static Worker start(List<String> cmd, String name, Map<String, String> env) throws IOException {
            Path log = Files.createTempFile("coverlab-bench-" + name, ".log");
            ProcessBuilder b = new ProcessBuilder(cmd).redirectError(log.toFile());
            b.environment().putAll(env);
            Process p = b.start();
            return new Worker(p, name + " (log " + log + ")");
        }

        /** Sends a command and returns the answer line's fields; IOException carries the worker's error. */
        String[] call(String command, String expect) throws IOException {
            to.write(command);
            to.newLine();
            to.flush();
            for (String line; (line = from.readLine()) != null; ) {
                String[] p = line.trim().split("\\s+");
                if (p[0].equals(expect)) {
                    return p;
                }
                if (p[0].equals("error")) {
                    throw new IOException(name + ": " + line.substring(6));
                }
            }
            throw new IOException(name + " exited during '" + command + "'");
        }

        void stop() throws InterruptedException {
            try {
                to.write("quit");
                to.newLine();
                to.flush();
            } catch (IOException e) {
                // already gone
            }
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
