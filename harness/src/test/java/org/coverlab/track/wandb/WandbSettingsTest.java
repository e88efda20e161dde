package org.coverlab.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.spec.TrackingSpec.Resume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WandbSettingsTest {

    static final String KEY = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path home;

    static TrackingSpec spec() {
        return new TrackingSpec(List.of(TrackingSpec.Backend.WANDB), "covers", "lab", "", Resume.ALLOW, 30, true);
    }

    @Test
    void specValuesWithTheDefaultServer() {
        WandbSettings s = WandbSettings.resolve(spec(), Map.of("WANDB_API_KEY", KEY), home);
        assertEquals("https://api.wandb.ai/", s.baseUrl().toString());
        assertEquals("lab", s.entity());
        assertEquals("covers", s.project());
        assertEquals(Resume.ALLOW, s.resume());
        assertEquals(WandbSettings.Mode.ONLINE, s.mode());
        assertEquals("abcd1234", s.runNameFor("abcd1234"));
    }

    @Test
    void environmentOverridesTheSpecAsWandbDoes() {
        WandbSettings s = WandbSettings.resolve(spec(), Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", "http://wandb.local:8080/",
                "WANDB_ENTITY", "team", "WANDB_PROJECT", "other", "WANDB_RESUME", "must", "WANDB_RUN_ID", "my/run",
                "WANDB_TAGS", "a, b,,c", "WANDB_RUN_GROUP", "sweep1", "WANDB_NAME", "nice name"), home);
        assertEquals("http://wandb.local:8080/", s.baseUrl().toString());
        assertEquals("team", s.entity());
        assertEquals("other", s.project());
        assertEquals(Resume.MUST, s.resume());
        assertEquals("my-run", s.runNameFor("abcd1234"), "WANDB_RUN_ID, with characters W&B refuses replaced");
        assertEquals(List.of("a", "b", "c"), s.tags());
        assertEquals("sweep1", s.group());
        assertEquals("nice name", s.displayName());
        assertEquals(Resume.ALLOW, WandbSettings.resolve(spec(), Map.of("WANDB_API_KEY", KEY, "WANDB_RESUME", "auto"), home).resume());
    }

    @Test
    void theKeyComesFromNetrcForTheBaseHost() throws IOException {
        Files.writeString(home.resolve(".netrc"), """
                machine example.org login x password nope
                machine wandb.local
                  login user
                  password %s
                """.formatted(KEY));
        WandbSettings s = WandbSettings.resolve(spec(), Map.of("WANDB_BASE_URL", "http://wandb.local:8080"), home);
        assertEquals(KEY, s.apiKey());
    }

    @Test
    void aMissingKeyIsAClearError() {
        WandbSettings.ConfigException e = assertThrows(WandbSettings.ConfigException.class,
                () -> WandbSettings.resolve(spec(), Map.of(), home));
        assertTrue(e.getMessage().contains("WANDB_API_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains("machine api.wandb.ai"), e.getMessage());
    }

    @Test
    void offlineModeNeedsNoKey() {
        WandbSettings s = WandbSettings.resolve(spec(), Map.of("WANDB_MODE", "offline"), home);
        assertEquals(WandbSettings.Mode.OFFLINE, s.mode());
    }

    @Test
    void badEnvironmentValuesNameTheVariable() {
        assertTrue(assertThrows(WandbSettings.ConfigException.class,
                () -> WandbSettings.resolve(spec(), Map.of("WANDB_API_KEY", KEY, "WANDB_MODE", "sometimes"), home))
                .getMessage().contains("WANDB_MODE"));
        assertTrue(assertThrows(WandbSettings.ConfigException.class,
                () -> WandbSettings.resolve(spec(), Map.of("WANDB_API_KEY", KEY, "WANDB_RESUME", "maybe"), home))
                .getMessage().contains("WANDB_RESUME"));
        assertTrue(assertThrows(WandbSettings.ConfigException.class,
                () -> WandbSettings.resolve(spec(), Map.of("WANDB_API_KEY", KEY, "WANDB_BASE_URL", "ftp://x"), home))
                .getMessage().contains("WANDB_BASE_URL"));
    }

    @Test
    void toStringNeverShowsTheKey() {
        String text = WandbSettings.resolve(spec(), Map.of("WANDB_API_KEY", KEY), home).toString();
        assertFalse(text.contains(KEY), text);
        assertTrue(text.contains("apiKey=***"), text);
    }
}
