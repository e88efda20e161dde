package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.coverlab.cli.CliContext;
import org.coverlab.cli.CoverlabCommand;
import org.coverlab.cli.RemoteTrackers;
import org.coverlab.stages.Pipeline;
import org.coverlab.track.wandb.FakeWandbServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the real command line: {@code coverlab run} logging to W&B, and {@code coverlab runs sync} after an outage. */
class WandbEndToEndTest {

    static final int STEPS = 12;

    @TempDir
    Path cwd;

    FakeWandbServer server;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
        env = Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", server.baseUrl(), "HOME", cwd.toString());
        System.setProperty("coverlab.test.stepMillis", "0");
        System.setProperty("coverlab.test.steps", String.valueOf(STEPS));
        Files.writeString(cwd.resolve("demo.yaml"), """
                name: wandb-e2e
                train:
                  checkpoint_every: 5
                sample:
                  every: never
                eval:
                  metrics: []
                tracking:
                  backends: [local, wandb]
                  project: covers
                  entity: lab
                  flush_timeout_seconds: 2
                """);
    }

    @AfterEach
    void stop() {
        System.clearProperty("coverlab.test.stepMillis");
        System.clearProperty("coverlab.test.steps");
        server.shutdown();
    }

    private int coverlab(String... args) {
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, cwd, false, Pipeline.standard(), RemoteTrackers.of(env), Clock.systemUTC(), false);
        return CoverlabCommand.execute(ctx, args);
    }

    private String runId() throws Exception {
        try (Stream<Path> runs = Files.list(cwd.resolve("runs"))) {
            return runs.map(p -> p.getFileName().toString()).findFirst().orElseThrow();
        }
    }

    private String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }

    private static List<Long> steps(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void aRunLogsToWandbWhileItTrains() throws Exception {
        assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test"), text(err));
        String id = runId();
        FakeWandbServer.Run run = server.existing("lab/covers/" + id);
        assertEquals(steps(1, STEPS), run.historySteps());
        assertTrue(run.complete);
        assertEquals(0, run.exitCode);
        assertTrue(run.config.path("train").path("value").has("checkpoint_every"), "the resolved spec is the config");
        assertFalse(run.output.isEmpty(), "run.log went to output.log");
        assertFalse(server.artifacts.isEmpty(), "checkpoints became artifact versions");
        server.artifacts.values().forEach(a -> {
            assertEquals("model-" + id, a.collection);
            assertEquals("COMMITTED", a.state);
            assertTrue(a.files.keySet().stream().anyMatch(f -> f.endsWith("checkpoint.json")), a.files.keySet().toString());
        });
        assertTrue(Files.readString(cwd.resolve("runs").resolve(id).resolve("run.log")).contains("wandb: all"));

        assertEquals(0, coverlab("runs", "sync", id), text(err));
        assertTrue(text(out).contains("wandb: all"), text(out));
        assertEquals(steps(1, STEPS), run.historySteps(), "a sync of a delivered run sends nothing again");
        try (Stream<Path> files = Files.walk(cwd.resolve("runs"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(KEY), file + " holds the key");
            }
        }
        assertFalse(text(out).contains(KEY) || text(err).contains(KEY), "console output holds the key");
    }

    @Test
    void whatAnOutageLeftBehindIsSentByRunsSyncExactlyOnce() throws Exception {
        server.faults = request -> request.getUrl().encodedPath().endsWith("/file_stream") ? Fault.HTTP_500 : Fault.NONE;
        assertEquals(0, coverlab("run", "demo.yaml", "--stages", "test"), "the run itself succeeds: " + text(err));
        String id = runId();
        String runLog = Files.readString(cwd.resolve("runs").resolve(id).resolve("run.log"));
        assertTrue(runLog.contains("coverlab runs sync " + id + " --tracker wandb"), runLog);

        assertEquals(1, coverlab("runs", "sync", id, "--timeout", "1"), "still down: something left");
        assertTrue(text(out).contains("journal entries not sent"), text(out));

        server.faults = request -> Fault.NONE;
        assertEquals(0, coverlab("runs", "sync", id, "--tracker", "wandb"), text(err));
        FakeWandbServer.Run run = server.existing("lab/covers/" + id);
        assertEquals(steps(1, STEPS), run.historySteps());
        assertTrue(run.complete);
        assertTrue(server.violations.isEmpty(), server.violations.toString());
    }

    @Test
    void syncUsageErrorsAreBadInput() {
        assertEquals(2, coverlab("runs", "sync", "zzzzzzzz"));
        assertTrue(text(err).contains("no run 'zzzzzzzz'"), text(err));
        assertEquals(2, coverlab("runs", "sync", "zzzzzzzz", "--tracker", "neptune"));
        assertTrue(text(err).contains("unknown tracker 'neptune'"), text(err));
    }
}
