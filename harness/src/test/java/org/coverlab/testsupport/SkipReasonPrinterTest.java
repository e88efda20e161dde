package org.coverlab.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SkipReasonPrinterTest {

    /** Run only by the launcher below (surefire does not pick up nested classes). */
    static class Skips {
        @Test
        void passes() {}

        @Test
        void aborts() {
            Assumptions.abort("no server here");
        }

        @Test
        @Disabled("not on this machine")
        void disabled() {}
    }

    @Test
    void printsOneLineWithTheReasonForEachSkippedOrAbortedTestAndNothingForOthers() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build())
                .execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Skips.class)).build(),
                        new SkipReasonPrinter(out));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().sorted().toList();
        assertEquals(List.of("SKIPPED SkipReasonPrinterTest$Skips.aborts: no server here",
                "SKIPPED SkipReasonPrinterTest$Skips.disabled: not on this machine"), lines);
    }
}
