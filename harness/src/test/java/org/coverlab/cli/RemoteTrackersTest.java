package org.coverlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.coverlab.track.SenderOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sender options the CLI builds from the environment. */
class RemoteTrackersTest {

    @Test
    void sendIntervalComesFromTheEnvironmentInSeconds() {
        assertEquals(Duration.ofMillis(200),
                RemoteTrackers.senderOptions(Map.of(RemoteTrackers.SEND_INTERVAL_ENV, " 0.2 ")).sendInterval());
        assertEquals(Duration.ZERO, RemoteTrackers.senderOptions(Map.of(RemoteTrackers.SEND_INTERVAL_ENV, "0")).sendInterval());
        assertEquals(SenderOptions.DEFAULT, RemoteTrackers.senderOptions(Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "-1", "NaN", "Infinity", "3601"})
    void aBadSendIntervalKeepsTheDefault(String value) {
        assertEquals(SenderOptions.DEFAULT, RemoteTrackers.senderOptions(Map.of(RemoteTrackers.SEND_INTERVAL_ENV, value)));
    }
}
