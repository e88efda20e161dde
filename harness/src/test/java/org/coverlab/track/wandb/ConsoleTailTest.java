package org.coverlab.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTailTest {

    @Test
    void outputLogLinesCarryRunLogsTimeOnceAsTheSdksPrefix() {
        List<String> lines = ConsoleTail.withTimes(List.of("2026-11-30 18:38:29 INFO  [run] started", "\tat a.B(C.java:1)",
                "no time"), Instant.parse("2026-11-30T19:00:00Z"));
        assertEquals(List.of("2026-11-30T18:38:29.000000 INFO  [run] started", "2026-11-30T18:38:29.000000 \tat a.B(C.java:1)",
                "2026-11-30T18:38:29.000000 no time"), lines);
        assertEquals(List.of("2026-11-30T19:00:00.000000 first"),
                ConsoleTail.withTimes(List.of("first"), Instant.parse("2026-11-30T19:00:00Z")));
    }
}
