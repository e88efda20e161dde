package org.coverlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RunSettingsTest {

    @Test
    void defaultsWhenNothingIsSet() {
        RunSettings s = RunSettings.from(Map.of(), new Properties());
        assertEquals(new RunSettings(Optional.empty(), 50, 100, 0, Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(15),
                Optional.empty()), s);
    }

    @Test
    void environmentVariablesAreReadAndPropertiesOverrideThem() {
        Properties props = new Properties();
        props.setProperty(RunSettings.TEST_STEPS_PROPERTY, "7");
        RunSettings s = RunSettings.from(Map.of("COVERLAB_TEST_STEPS", "9", "COVERLAB_TEST_STEP_MILLIS", "0",
                "COVERLAB_TINY_MODEL", " /models/tiny ", "COVERLAB_PROGRESS_SECONDS", "0.5",
                "COVERLAB_SEND_INTERVAL_SECONDS", "0.2", "COVERLAB_TEST_HOLD_AT_STEP", "23",
                "COVERLAB_SYSTEM_METRICS_SECONDS", "0.5"), props);
        assertEquals(7, s.testSteps());
        assertEquals(0, s.testStepMillis());
        assertEquals(Optional.of("/models/tiny"), s.tinyModel());
        assertEquals(Duration.ofMillis(500), s.progressInterval());
        assertEquals(Optional.of(Duration.ofMillis(200)), s.sendInterval());
        assertEquals(23, s.testHoldAtStep());
        assertEquals(Optional.empty(), s.testHoldPoint(), "a bare step holds at any point");
        assertEquals(Duration.ofMillis(500), s.systemInterval());
        assertEquals(Duration.ZERO, RunSettings.from(Map.of("COVERLAB_SYSTEM_METRICS_SECONDS", "0"), props).systemInterval(),
                "0 turns system metrics off");
    }

    @Test
    void aBadSystemMetricsIntervalIsRefusedNamingItsVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunSettings.from(Map.of("COVERLAB_SYSTEM_METRICS_SECONDS", "0.01"), new Properties()));
        assertEquals("COVERLAB_SYSTEM_METRICS_SECONDS must be 0 (off) or seconds from 0.1 to 86400, got '0.01'", e.getMessage());
    }

    @Test
    void aBadNumberIsRefusedNamingItsVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunSettings.from(Map.of("COVERLAB_TEST_STEPS", "0"), new Properties()));
        assertEquals("COVERLAB_TEST_STEPS must be a whole number >= 1, got '0'", e.getMessage());
    }

    @Test
    void aHoldCanNameItsPointAndAnUnknownPointIsRefused() {
        RunSettings s = RunSettings.from(Map.of("COVERLAB_TEST_HOLD_AT_STEP", "grid:3"), new Properties());
        assertEquals(3, s.testHoldAtStep());
        assertEquals(Optional.of("grid"), s.testHoldPoint());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunSettings.from(Map.of("COVERLAB_TEST_HOLD_AT_STEP", "eval:3"), new Properties()));
        assertEquals("COVERLAB_TEST_HOLD_AT_STEP must be N or POINT:N with POINT one of [test, train, grid], got 'eval:3'",
                e.getMessage());
        Properties props = new Properties();
        props.setProperty(RunSettings.TEST_HOLD_PROPERTY, "grid:x");
        e = assertThrows(IllegalArgumentException.class, () -> RunSettings.from(Map.of(), props));
        assertEquals("-Dcoverlab.test.holdAtStep must be a whole number >= 0, got 'x'", e.getMessage(),
                "the property is named when the value came from it");
    }
}
