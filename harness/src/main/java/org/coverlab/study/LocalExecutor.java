package org.coverlab.study;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.coverlab.run.Cancellation;
import org.coverlab.run.RunLock;
import org.coverlab.run.RunLockedException;
import org.coverlab.run.RunStatus;
import org.coverlab.run.StopSignals;
import org.coverlab.spec.StudySpec;

/**
 * Runs members as separate processes on this machine, at most {@code parallel} at once, and waits for them. Each member
 * is {@code coverlab run --resume ID} in its own session (so a Ctrl-C reaches this process only), its console appended
 * to {@code studies/<id>/members/<run>.out} (its run log is in the run folder as for any run). While they run, the
 * study's table is printed whenever a member changes status or stage, and every {@link #TABLE_EVERY}.
 *
 * <p>Ctrl-C or SIGTERM stops the study: no further member starts, each running member gets SIGTERM and records itself
 * killed (resumable), and the command exits 130 or 143 once they have. {@code study cancel} from another shell does the
 * same through the study's cancel marker and the members' signals.
 */
public final class LocalExecutor implements StudyExecutor {

    /** Memory a member is assumed to need when choosing the default parallelism (a tiny-scale run stays well under). */
    static final long MEMBER_BYTES = 3L << 30;
    static final Duration TABLE_EVERY = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 250;
    /** Exit code when another process drives the study (as a locked run). */
    static final int LOCKED_EXIT = 3;
    /** How long 'study cancel' waits for the driving process to stop its members. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(120);
    /** How often the members' folders are read for the table (each read scans every member's journal tail). */
    private static final long LOOK_MILLIS = 2000;

    @Override
    public StudySpec.Kind kind() {
        return StudySpec.Kind.LOCAL;
    }

    @Override
    public List<String> check(StudySpec.Executor settings) {
        return List.of();
    }

    /** What fits this machine: one member per core, as many as the free memory holds at {@link #MEMBER_BYTES}, at least 1. */
    public static int defaultParallel(int cores, long availableBytes) {
        return (int) Math.max(1, Math.min(cores, availableBytes / MEMBER_BYTES));
    }

    /** Physical memory not in use now, as the OS reports it (the JVM's own view when it cannot tell). */
    static long availableMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getFreeMemorySize() + cachedBytes();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Page cache the kernel gives back on demand (MemAvailable - MemFree), 0 where /proc/meminfo is not there. */
    private static long cachedBytes() {
        try {
            long free = 0;
            long available = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                String[] f = line.split("\\s+");
                if (f[0].equals("MemFree:")) {
                    free = Long.parseLong(f[1]) * 1024;
                } else if (f[0].equals("MemAvailable:")) {
                    available = Long.parseLong(f[1]) * 1024;
                }
            }
            return Math.max(0, available - free);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    public int submit(StudyContext ctx, List<StudyMember> members) throws IOException, InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        long available = availableMemory();
        int parallel = ctx.settings().parallel() > 0 ? ctx.settings().parallel() : defaultParallel(cores, available);
        ctx.console().printf("study %s: %d member(s), at most %d at once (%s)%n", ctx.record().id(), members.size(),
                parallel, ctx.settings().parallel() > 0 ? "--parallel"
                        : "default: " + cores + " core(s), " + (available >> 20) + " MiB available, about "
                        + (MEMBER_BYTES >> 20) + " MiB per member; --parallel N to change");
        Cancellation stop = new Cancellation();
        RunLock driver;
        try {
            driver = RunLock.acquire(ctx.record().id(), driverLock(ctx.dir()));
        } catch (RunLockedException e) {
            ctx.console().printf("coverlab: study %s is being driven by %s (a 'study run' or 'study resume' still going);"
                    + " wait for it, or stop it with Ctrl-C or 'coverlab study cancel %s'%n", ctx.record().id(),
                    e.owner().describe(), ctx.record().id());
            return LOCKED_EXIT;
        }
        try (driver) {
            if (!ctx.handleSignals()) {
                return drive(ctx, members, parallel, stop);
            }
            try (StopSignals signals = StopSignals.install(stop, ctx.console())) {
                return drive(ctx, members, parallel, stop);
            }
        }
    }

    /** Held by the process driving the study's members ('study run', 'study resume'), released by the OS when it dies. */
    static Path driverLock(StudyDir dir) {
        return dir.path().resolve(".local.lock");
    }

    private int drive(StudyContext ctx, List<StudyMember> members, int parallel, Cancellation stop)
            throws IOException, InterruptedException {
        Deque<StudyMember> waiting = new ArrayDeque<>(members);
        Map<StudyMember, Process> running = new LinkedHashMap<>();
        Map<String, Integer> exits = new HashMap<>();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.min(parallel, Math.max(1, members.size())));
        TablePrinter table = new TablePrinter(ctx);
        boolean stopping = false;
        while (!waiting.isEmpty() || !running.isEmpty()) {
            if (!stopping && (stop.isCancelled() || ctx.dir().isCancelled())) {
                stopping = true;
                String why = stop.isCancelled() ? stop.reason() : "study cancelled";
                ctx.console().printf("study %s: %s; stopping %d running member(s), %d not started stay pending%n",
                        ctx.record().id(), why, running.size(), waiting.size());
                ctx.dir().log(ctx.clock().instant() + " local: " + why + "; stopping " + running.size() + " member(s)");
                waiting.clear();
                // SIGTERM: each member stops after its current step and records itself killed
                running.values().forEach(Process::destroy);
            }
            while (!stopping && running.size() < parallel && !waiting.isEmpty()) {
                StudyMember m = waiting.poll();
                running.put(m, start(ctx, m, threads));
            }
            for (var it = running.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isAlive()) {
                    int code = e.getValue().exitValue();
                    exits.put(e.getKey().runId(), code);
                    ctx.dir().log(ctx.clock().instant() + " local: member " + e.getKey().runId() + " exited " + code);
                    it.remove();
                }
            }
            table.maybePrint();
            Thread.sleep(POLL_MILLIS);
        }
        table.print();
        List<StudyStatus.Row> rows = StudyStatus.rows(ctx.record(), Map.of());
        long finished = rows.stream().filter(r -> members.stream().anyMatch(m -> m.runId().equals(r.member().runId())))
                .filter(StudyStatus.Row::finished).count();
        if (stopping) {
            ctx.console().printf("study %s stopped; continue with: coverlab study resume %s%n", ctx.record().id(), ctx.record().id());
            return stop.isCancelled() ? stop.exitCode() : Cancellation.SIGTERM_EXIT;
        }
        if (finished == members.size()) {
            ctx.console().printf("study %s: all %d member(s) finished%n", ctx.record().id(), members.size());
            return 0;
        }
        for (StudyStatus.Row r : rows) {
            if (r.status() != RunStatus.FINISHED && exits.containsKey(r.member().runId())) {
                ctx.console().printf("  member %s (%s) %s%s: exit %d; console %s%n", r.member().runId(), r.member().spec(),
                        r.status() == null ? "missing" : r.status().key(), r.error() == null ? "" : " (" + r.error() + ")",
                        exits.get(r.member().runId()), ctx.dir().memberOutput(r.member().runId()));
            }
        }
        ctx.console().printf("study %s: %d of %d member(s) finished; retry the others with: coverlab study resume %s%n",
                ctx.record().id(), finished, members.size(), ctx.record().id());
        return 1;
    }

    private static Process start(StudyContext ctx, StudyMember m, int threads) throws IOException {
        List<String> argv = new ArrayList<>();
        // Its own session: a terminal's Ctrl-C goes to the study process, which stops each member exactly once.
        if (onPath("setsid")) {
            argv.add("setsid");
        }
        argv.addAll(ctx.memberCommand(m));
        Path out = ctx.dir().memberOutput(m.runId());
        Files.createDirectories(out.getParent());
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(ctx.env());
        // members share the cores: libtorch in each uses its share unless the user chose a thread count
        pb.environment().putIfAbsent("OMP_NUM_THREADS", Integer.toString(threads));
        ctx.dir().log(ctx.clock().instant() + " local: starting member " + m.runId() + " (" + m.spec() + ")");
        return pb.start();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** Locally the scheduler is this machine: a member is active while a process holds its run's lock. */
    @Override
    public Map<String, SchedulerState> query(StudyContext ctx, List<StudyMember> members) throws IOException {
        Map<String, SchedulerState> states = new LinkedHashMap<>();
        for (StudyMember m : members) {
            Path lock = ctx.runsDir().resolve(m.runId()).resolve(".lock");
            if (Files.exists(lock) && RunLock.isHeld(lock)) {
                RunLock.Owner owner = RunLock.owner(lock);
                states.put(m.runId(), new SchedulerState(owner == null ? "?" : "pid " + owner.pid(), "RUNNING", true,
                        ctx.dir().memberOutput(m.runId()).toString()));
            }
        }
        return states;
    }

    /**
     * When a study process drives the members, it sees the cancel marker and stops them (one SIGTERM each: a second
     * would make a member exit at once, unrecorded), and this waits for it. Otherwise (that process is gone, its
     * members run on) SIGTERM to each member process holding its run on this host.
     */
    @Override
    public List<String> cancel(StudyContext ctx, List<StudyMember> members) throws IOException, InterruptedException {
        List<String> done = new ArrayList<>();
        Path driver = driverLock(ctx.dir());
        if (RunLock.isHeld(driver)) {
            RunLock.Owner owner = RunLock.owner(driver);
            ctx.console().printf("coverlab: %s drives study %s; waiting for it to stop its members%n", owner.describe(),
                    ctx.record().id());
            long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
            while (RunLock.isHeld(driver) && System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
            }
            done.add(RunLock.isHeld(driver) ? "the study process " + owner.describe() + " is still stopping its members"
                    : "the study process stopped its members; each recorded itself killed");
            return done;
        }
        String host = RunLock.Owner.current().host();
        for (StudyMember m : members) {
            Path lock = ctx.runsDir().resolve(m.runId()).resolve(".lock");
            if (!Files.exists(lock) || !RunLock.isHeld(lock)) {
                continue;
            }
            RunLock.Owner owner = RunLock.owner(lock);
            if (owner == null || !host.equals(owner.host())) {
                done.add("member " + m.runId() + " is driven by " + (owner == null ? "an unknown process" : owner.describe())
                        + " on another host; stop it there");
                continue;
            }
            boolean signalled = ProcessHandle.of(owner.pid()).map(ProcessHandle::destroy).orElse(false);
            done.add(signalled ? "member " + m.runId() + ": SIGTERM sent to pid " + owner.pid() + "; it records itself killed"
                    : "member " + m.runId() + ": pid " + owner.pid() + " is gone");
        }
        return done;
    }

    /** Prints the study table when a member's status or stage changed, and every {@link #TABLE_EVERY} otherwise. */
    private static final class TablePrinter {
        private final StudyContext ctx;
        private String lastShape = "";
        private long lastAt;

        TablePrinter(StudyContext ctx) {
            this.ctx = ctx;
        }

        private long lastLook;

        void maybePrint() throws IOException {
            if (ctx.clock().millis() - lastLook < LOOK_MILLIS) {
                return;
            }
            lastLook = ctx.clock().millis();
            List<StudyStatus.Row> rows = StudyStatus.rows(ctx.record(), Map.of());
            String shape = rows.stream().map(r -> r.status() + "/" + r.stage()).toList().toString();
            long now = ctx.clock().millis();
            if (!shape.equals(lastShape) || now - lastAt >= TABLE_EVERY.toMillis()) {
                print(rows);
                lastShape = shape;
            }
        }

        void print() throws IOException {
            print(StudyStatus.rows(ctx.record(), Map.of()));
        }

        private void print(List<StudyStatus.Row> rows) {
            lastAt = ctx.clock().millis();
            ctx.console().printf("study %s (%s) at %s: %s%n", ctx.record().id(), ctx.record().name(),
                    ctx.clock().instant().toString().substring(11, 19), StudyStatus.counts(rows));
            StudyStatus.print(ctx.console(), rows);
        }
    }
}
