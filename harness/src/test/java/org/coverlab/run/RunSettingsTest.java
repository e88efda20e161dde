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
        assertEquals(new RunSettings(Optional.empty(), 50, 100, Duration.ofSeconds(10), Optional.empty()), s);
    }

    @Test
    void environmentVariablesAreReadAndPropertiesOverrideThem() {
        Properties props = new Properties();
        props.setProperty(RunSettings.TEST_STEPS_PROPERTY, "7");
        RunSettings s = RunSettings.from(Map.of("COVERLAB_TEST_STEPS", "9", "COVERLAB_TEST_STEP_MILLIS", "0",
                "COVERLAB_TINY_MODEL", " /models/tiny ", "COVERLAB_PROGRESS_SECONDS", "0.5",
                "COVERLAB_SEND_INTERVAL_SECONDS", "0.2"), props);
        assertEquals(7, s.testSteps());
        assertEquals(0, s.testStepMillis());
        assertEquals(Optional.of("/models/tiny"), s.tinyModel());
        assertEquals(Duration.ofMillis(500), s.progressInterval());
        assertEquals(Optional.of(Duration.ofMillis(200)), s.sendInterval());
    }

    @Test
    void aBadNumberIsRefusedNamingItsVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunSettings.from(Map.of("COVERLAB_TEST_STEPS", "0"), new Properties()));
        assertEquals("COVERLAB_TEST_STEPS must be a whole number >= 1, got '0'", e.getMessage());
    }
}
