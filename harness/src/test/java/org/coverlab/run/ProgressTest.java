package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressTest {

    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        long millis = 1_700_000_000_000L;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    /** A grid row can take minutes; ticks between denoising steps keep the line at its interval inside it. */
    @Test
    void ticksInsideALongUnitStillPrintALineEveryInterval() throws Exception {
        ManualClock clock = new ManualClock();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RunLog log = new RunLog(dir.resolve("run.log"), new PrintStream(console, true, StandardCharsets.UTF_8), clock)) {
            log.stage("sample");
            Progress p = new Progress(log, Progress.Style.LINES, clock, Duration.ofSeconds(10), "sample base", 16, 0);
            for (int step = 1; step <= 20; step++) { // one row of 20 denoising steps, 3 s each; no image done yet
                clock.millis += 3000;
                p.tick("row 1/4, denoising step " + step + "/20");
            }
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertEquals(5, out.lines().count(), out); // at 12, 24, 36, 48 and 60 s of the 60 s row
        assertTrue(out.contains("sample base 0/16 (0%) -- it/s row 1/4, denoising step 4/20"), out);
        assertTrue(out.contains("denoising step 20/20"), out);
    }

    @Test
    void withoutATerminalProgressIsAPlainLineEveryInterval() throws Exception {
        ManualClock clock = new ManualClock();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RunLog log = new RunLog(dir.resolve("run.log"), new PrintStream(console, true, StandardCharsets.UTF_8), clock)) {
            log.stage("train");
            Progress p = new Progress(log, Progress.Style.LINES, clock, Duration.ofSeconds(10), "train", 100, 20);
            for (int step = 21; step <= 60; step++) {
                clock.millis += 1000; // 1 step per second
                p.update(step, "loss=0.5");
            }
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertEquals(4, out.lines().count(), out);
        assertTrue(out.contains("INFO  [train] train 30/100 (30%) 1.0 it/s eta 1m10s loss=0.5"), out);
        assertTrue(!out.contains("\r"), "no carriage returns in CI logs");
        assertTrue(Files.readString(dir.resolve("run.log")).contains("train 60/100 (60%)"));
    }

    @Test
    void onATerminalABarIsRedrawnAndLogLinesClearItFirst() throws Exception {
        ManualClock clock = new ManualClock();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (RunLog log = new RunLog(dir.resolve("run.log"), new PrintStream(console, true, StandardCharsets.UTF_8), clock)) {
            Progress p = new Progress(log, Progress.Style.BAR, clock, Duration.ofSeconds(10), "test", 10, 0);
            clock.millis += 500;
            p.update(5, "loss=1.2");
            log.info("checkpoint saved");
            clock.millis += 500;
            p.update(10, "loss=1.0");
            p.close();
        }
        String out = console.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r\033[2K[test] [===============>              ] 5/10 50% 10.0 it/s eta 1s loss=1.2"), out);
        assertTrue(out.contains("\r\033[2K2023-11-14 22:13:20 INFO  [run] checkpoint saved"), out);
        assertTrue(out.contains("[==============================] 10/10 100%"), out);
        assertTrue(out.endsWith("\n"), "the bar's line is ended when it closes");
    }

    @Test
    void durationsAreShortAndHuman() {
        assertEquals("59s", Progress.human(59));
        assertEquals("1m05s", Progress.human(65));
        assertEquals("2h03m", Progress.human(7380));
    }
}
