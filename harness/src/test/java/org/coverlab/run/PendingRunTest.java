package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.coverlab.spec.ExperimentSpec;
import org.coverlab.spec.SpecHash;
import org.coverlab.spec.SpecLoader;
import org.coverlab.stages.Pipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run created pending (a study member before submission) is started, not resumed, by {@code run --resume}. */
class PendingRunTest {

    @TempDir
    Path dir;

    @BeforeEach
    void fastTestStage() {
        System.setProperty("coverlab.test.stepMillis", "0");
        System.setProperty("coverlab.test.steps", "6");
    }

    @AfterEach
    void clear() {
        System.clearProperty("coverlab.test.stepMillis");
        System.clearProperty("coverlab.test.steps");
    }

    @Test
    void aPendingRunHasItsIdAndSpecUnlockedAndResumeStartsItFromTheBeginning() throws Exception {
        RunStore store = new RunStore(dir.resolve("runs"), new RunId(), Clock.systemUTC());
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunSession session = new RunSession(store, (spec, selected) -> Pipeline.standard().plan(spec, selected),
                spec -> null, spec -> null, spec -> "cpu", new RunSession.Options(new Runner.Settings(
                        new PrintStream(console, true, StandardCharsets.UTF_8), Progress.Style.LINES,
                        Duration.ofSeconds(10), Clock.systemUTC()), false, dir));
        ExperimentSpec spec = SpecLoader.loadText("name: member\n", dir.resolve("member.yaml"), List.of(),
                new SpecLoader.Options(dir, false));
        RunSession.Prepared prepared = session.prepare(spec, List.of("test"));
        RunInfo draft = new RunInfo(null, spec.name(), null, "/specs/x.yaml", SpecHash.sha256(spec), List.of("test"),
                List.of("local"), List.of("seed=3"), "dev").withStudy(new RunInfo.Study("st000001", "s", spec.name(), null));

        RunDir created = session.create(prepared, draft);

        RunOverview pending = RunOverview.of(created);
        assertEquals(RunStatus.PENDING, pending.effectiveStatus());
        assertFalse(RunLock.isHeld(created.lockFile()), "nobody drives a pending run");
        assertTrue(Files.isRegularFile(created.spec()));
        assertEquals(0, Files.exists(created.journal()) ? Files.size(created.journal()) : 0);
        assertEquals("st000001", created.readInfo().study().id());
        assertEquals(List.of(created.id()), store.list().stream().map(RunDir::id).toList());

        Runner.Outcome outcome = session.resume(created.id()).orElseThrow();

        assertEquals(RunStatus.FINISHED, outcome.status());
        List<JournalEntry> records = new JournalFileReader(created.journal()).readAfter(0, 1000);
        RunEvent.Started started = (RunEvent.Started) records.get(0).event();
        assertFalse(started.resumed(), "the first attempt of a pending run is a start, not a resume");
        assertEquals(6, records.stream().filter(r -> r.event() instanceof RunEvent.Metrics).count());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("starting run " + created.id()));
    }
}
