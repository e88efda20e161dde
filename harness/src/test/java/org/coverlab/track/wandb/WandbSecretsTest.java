package org.coverlab.track.wandb;

import static org.coverlab.track.wandb.WandbTestSupport.KEY;
import static org.coverlab.track.wandb.WandbTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.coverlab.run.Journal;
import org.coverlab.spec.TrackingSpec.Resume;
import org.coverlab.track.Backoff;
import org.coverlab.run.JournalFileReader;
import org.coverlab.track.JournalSender;
import org.coverlab.track.Redactor;
import org.coverlab.track.RemoteSink.SinkException;
import org.coverlab.run.RunEvent;
import org.coverlab.track.SenderOptions;
import org.coverlab.track.SenderReport;
import org.coverlab.track.wandb.FakeWandbServer.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The W&B key never shows up in the run directory, the logs, reports or exception messages. */
class WandbSecretsTest {

    @TempDir
    Path runDir;
    @TempDir
    Path home;

    FakeWandbServer server;
    PrintStream originalErr;
    PrintStream originalOut;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = new FakeWandbServer(KEY);
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(tee(originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(tee(originalOut), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setErr(originalErr);
        System.setOut(originalOut);
        server.shutdown();
    }

    private OutputStream tee(PrintStream original) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        };
    }

    /** Every form the key takes: as is, and Base64 as in the Authorization header. */
    private static List<String> forms() {
        return List.of(KEY, Base64.getEncoder().encodeToString(("api:" + KEY).getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertClean(String where, String text) {
        for (String form : forms()) {
            assertFalse(text.contains(form), where + " contains the API key");
        }
    }

    @Test
    void aFullSessionWithFailuresLeavesTheKeyNowhere() throws Exception {
        AtomicInteger streamCalls = new AtomicInteger();
        server.faults = request -> {
            if (!request.getUrl().encodedPath().endsWith("/file_stream")) {
                return Fault.NONE;
            }
            int n = streamCalls.incrementAndGet();
            return n == 2 || n == 3 ? Fault.DROP_BEFORE : n >= 4 && n <= 11 ? Fault.HTTP_500 : Fault.NONE;
        };
        WandbSettings settings = WandbTestSupport.settings(server, Resume.ALLOW, home);
        List<String> messages = new ArrayList<>();
        messages.add(settings.toString());
        WandbTestSupport.png(runDir.resolve("samples/grid.png"), 4, 4);
        Files.writeString(runDir.resolve("run.log"), "training started\n");

        SenderReport report;
        try (Journal journal = Journal.open(runDir.resolve("events.jsonl"))) {
            JournalSender sender = JournalSender.start("abcd1234", "secrets", runDir,
                    new JournalFileReader(runDir.resolve("events.jsonl")), List.of(WandbTestSupport.sink(settings)),
                    new SenderOptions(5, Duration.ofMillis(10), Backoff.WANDB.withBase(Duration.ofMillis(5)), Duration.ofSeconds(30)));
            journal.append(new RunEvent.Started(T0, "abcd1234", "secrets", Map.of("train.lr", 1e-4), false));
            for (long step = 1; step <= 30; step++) {
                journal.append(new RunEvent.Metrics(T0 + step, step, Map.of("loss", 1.0 / step)));
            }
            journal.append(new RunEvent.Image(T0 + 40, 30, "grid", "samples/grid.png", ""));
            journal.append(new RunEvent.Finished(T0 + 50, "finished", 0));
            report = sender.finish();
        }
        assertTrue(report.allDelivered(), report.describe());
        messages.add(report.describe());

        // Failures the user sees: a refused key, an unreachable server.
        WandbSink refused = WandbTestSupport.sink(WandbSettings.resolve(WandbTestSupport.tracking(Resume.ALLOW),
                Map.of("WANDB_API_KEY", KEY + "-wrong", "WANDB_BASE_URL", server.baseUrl()), home));
        SinkException denied = assertThrows(SinkException.class,
                () -> refused.open("abcd1234", "x", runDir));
        messages.add(denied.getMessage());
        refused.close();
        server.server.close();
        WandbSink unreachable = WandbTestSupport.sink(WandbSettings.resolve(WandbTestSupport.tracking(Resume.ALLOW),
                Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", server.baseUrl()), home));
        SinkException down = assertThrows(SinkException.class,
                () -> unreachable.open("abcd1234", "x", runDir));
        unreachable.close();
        messages.add(down.getMessage());
        for (Throwable t = down.getCause(); t != null; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }

        for (String message : messages) {
            assertClean("message '" + message + "'", message);
        }
        System.err.flush();
        assertClean("log output", captured.toString(StandardCharsets.UTF_8));
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("wandb"), "the log output was captured");
        try (Stream<Path> files = Files.walk(runDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertClean(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(Files.exists(runDir.resolve("sinks/wandb.json")));
    }

    @Test
    void aKeyInsideTheBaseUrlIsMaskedInMessages() {
        String withUserInfo = "https://user:" + KEY + "@wandb.example.com/path?token=" + KEY;
        String safe = Redactor.of(KEY).redact("failed " + withUserInfo);
        assertClean(safe, safe);
        assertTrue(Redactor.safeUrl(withUserInfo).contains("wandb.example.com/path"));
        assertClean("safeUrl", Redactor.safeUrl(withUserInfo));
    }
}
