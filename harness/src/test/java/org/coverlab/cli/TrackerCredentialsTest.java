package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.coverlab.stages.Pipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote tracker without its credentials is refused before a run exists (it used to run with one WARN and exit
 * 0, sending nothing): always when asked for with --tracker, and when the spec names it unless it says
 * {@code tracking.required: false}. {@code spec check} answers the same.
 */
class TrackerCredentialsTest {

    @TempDir
    Path cwd;

    InProcessCli.Result coverlab(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // No WANDB_API_KEY, and HOME without a .netrc: W&B has no key.
        Map<String, String> env = Map.of("HOME", cwd.toString());
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, cwd, false, Pipeline.standard(),
                RemoteTrackers.of(env), Clock.systemUTC(), false);
        int code = CoverlabCommand.execute(ctx, args);
        return new InProcessCli.Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void fastDemo() {
        System.setProperty("coverlab.test.stepMillis", "0");
        System.setProperty("coverlab.test.steps", "4");
    }

    @AfterEach
    void clear() {
        System.clearProperty("coverlab.test.stepMillis");
        System.clearProperty("coverlab.test.steps");
    }

    private void spec(String tracking) throws Exception {
        Files.writeString(cwd.resolve("demo.yaml"), """
                name: demo
                sample:
                  every: never
                eval:
                  metrics: []
                tracking:
                """ + tracking);
    }

    @Test
    void aTrackerAskedForOnTheCommandLineWithoutItsKeyIsRefusedBeforeARunExists() throws Exception {
        spec("  backends: [local]\n  required: false\n");
        for (String command : new String[] {"run", "check"}) {
            InProcessCli.Result r = command.equals("run")
                    ? coverlab("run", "demo.yaml", "--stages", "test", "--tracker", "wandb")
                    : coverlab("spec", "check", "demo.yaml", "--stages", "test", "--tracker", "wandb");
            assertEquals(2, r.code(), r.all());
            assertTrue(r.err().contains("WANDB_API_KEY") && r.err().contains(".netrc"), r.all());
            assertTrue(r.err().contains("asked for with --tracker"), r.all());
            assertFalse(r.err().contains("\tat "), r.all());
        }
        assertFalse(Files.exists(cwd.resolve("runs")), "no run was created");
    }

    @Test
    void aSpecNamingATrackerWithoutItsKeyIsRefusedUnlessTrackingIsNotRequired() throws Exception {
        spec("  backends: [local, wandb]\n");
        InProcessCli.Result check = coverlab("spec", "check", "demo.yaml", "--stages", "test");
        InProcessCli.Result run = coverlab("run", "demo.yaml", "--stages", "test");
        for (InProcessCli.Result r : new InProcessCli.Result[] {check, run}) {
            assertEquals(2, r.code(), r.all());
            assertTrue(r.err().contains("WANDB_API_KEY") && r.err().contains("tracking.required: false"), r.all());
        }
        assertFalse(Files.exists(cwd.resolve("runs")), "no run was created");

        spec("  backends: [local, wandb]\n  required: false\n");
        InProcessCli.Result lenientCheck = coverlab("spec", "check", "demo.yaml", "--stages", "test");
        assertEquals(0, lenientCheck.code(), lenientCheck.all());
        assertTrue(lenientCheck.err().contains("warning: wandb:"), lenientCheck.all());
        InProcessCli.Result lenientRun = coverlab("run", "demo.yaml", "--stages", "test");
        assertEquals(0, lenientRun.code(), lenientRun.all());
        assertTrue(lenientRun.err().contains("tracking.required is false"), lenientRun.all());
    }
}
