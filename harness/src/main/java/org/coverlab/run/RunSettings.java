package org.coverlab.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The process settings that come from the environment, read once when the process starts and passed to every stage
 * through {@link StageContext#settings()}. Each is an environment variable, or a {@code -D} system property of the
 * same meaning that tests use (the property wins). A value that does not parse is refused with its name.
 *
 * @param tinyModel        {@code COVERLAB_TINY_MODEL} / {@code -Dcoverlab.tiny.model}: a tiny diffusers folder or "init" (the
 *                         seeded random initialisation) for {@code model.base: tiny}; empty = the harness-pretrained base
 * @param testSteps        {@code COVERLAB_TEST_STEPS} / {@code -Dcoverlab.test.steps}: steps per epoch of the test
 *                         stage (default 50; fixed at a run's first checkpoint)
 * @param testStepMillis   {@code COVERLAB_TEST_STEP_MILLIS} / {@code -Dcoverlab.test.stepMillis}: the test stage's
 *                         sleep per step (default 100 ms), so there is time to stop it
 * @param testHoldAtStep   {@code COVERLAB_TEST_HOLD_AT_STEP} / {@code -Dcoverlab.test.holdAtStep}: {@code N} or
 *                         {@code POINT:N}. The loop waits at step {@code N} until the run is stopped, killed or
 *                         released ({@link #TEST_RELEASE_FILE}), so a test can act at a known point instead of racing
 *                         the clock (default 0: never). The points ({@link #TEST_HOLD_POINTS}; without one, any):
 *                         {@code test}, the test stage after step N's metrics and checkpoint; {@code train}, inside
 *                         update N's gradient-accumulation window, after its first micro-batch (with
 *                         train.gradient_accumulation above 1); {@code grid}, the grid at step N after its first row.
 *                         See {@link StageContext#holdIfAsked}
 * @param testHoldPoint    the {@code POINT} of {@code testHoldAtStep}; empty = any point
 * @param progressInterval {@code COVERLAB_PROGRESS_SECONDS}: seconds between progress lines when not on a terminal
 *                         (default 10, at least 0.1)
 * @param systemInterval   {@code COVERLAB_SYSTEM_METRICS_SECONDS}: seconds between two samples of the machine's and the
 *                         process's CPU, memory and disk, journaled while a run goes (default 15, the W&B SDK's
 *                         interval; 0 turns sampling off; at least 0.1)
 * @param sendInterval     {@code COVERLAB_SEND_INTERVAL_SECONDS}: least seconds between two sends to remote trackers
 *                         while a run goes (default 15, 0 to 3600); empty = the sender's default
 */
public record RunSettings(Optional<String> tinyModel, long testSteps, long testStepMillis, long testHoldAtStep,
                          Optional<String> testHoldPoint, Duration progressInterval, Duration systemInterval,
                          Optional<Duration> sendInterval) {

    public static final String TINY_ENV = "COVERLAB_TINY_MODEL";
    public static final String TINY_PROPERTY = "coverlab.tiny.model";
    public static final String TEST_STEPS_ENV = "COVERLAB_TEST_STEPS";
    public static final String TEST_STEPS_PROPERTY = "coverlab.test.steps";
    public static final String TEST_STEP_MILLIS_ENV = "COVERLAB_TEST_STEP_MILLIS";
    public static final String TEST_STEP_MILLIS_PROPERTY = "coverlab.test.stepMillis";
    public static final String TEST_HOLD_ENV = "COVERLAB_TEST_HOLD_AT_STEP";
    public static final String TEST_HOLD_PROPERTY = "coverlab.test.holdAtStep";
    /** A file a test creates in the run folder to let a loop held at {@code COVERLAB_TEST_HOLD_AT_STEP} go on. */
    public static final String TEST_RELEASE_FILE = "test-release";
    /** The named points a loop can be held at (see {@link StageContext#holdIfAsked}). */
    public static final List<String> TEST_HOLD_POINTS = List.of("test", "train", "grid");
    public static final String PROGRESS_ENV = "COVERLAB_PROGRESS_SECONDS";
    public static final String SYSTEM_METRICS_ENV = "COVERLAB_SYSTEM_METRICS_SECONDS";
    public static final String SEND_INTERVAL_ENV = "COVERLAB_SEND_INTERVAL_SECONDS";

    /** This process's environment and system properties. */
    public static RunSettings fromProcess() {
        return from(System.getenv(), System.getProperties());
    }

    /** Settings from {@code env} with {@code properties} overriding (tests pass their own). */
    public static RunSettings from(Map<String, String> env, Properties properties) {
        String tiny = value(env, properties, TINY_ENV, TINY_PROPERTY);
        long steps = whole(env, properties, TEST_STEPS_ENV, TEST_STEPS_PROPERTY, 50, 1);
        long millis = whole(env, properties, TEST_STEP_MILLIS_ENV, TEST_STEP_MILLIS_PROPERTY, 100, 0);
        String holdText = value(env, properties, TEST_HOLD_ENV, TEST_HOLD_PROPERTY);
        long hold = 0;
        Optional<String> holdPoint = Optional.empty();
        if (holdText != null) {
            String source = source(properties, TEST_HOLD_ENV, TEST_HOLD_PROPERTY);
            int colon = holdText.indexOf(':');
            if (colon >= 0) {
                String point = holdText.substring(0, colon).strip();
                if (!TEST_HOLD_POINTS.contains(point)) {
                    throw new IllegalArgumentException(source + " must be N or POINT:N with POINT one of "
                            + TEST_HOLD_POINTS + ", got '" + holdText + "'");
                }
                holdPoint = Optional.of(point);
            }
            hold = parseWhole(holdText.substring(colon + 1).strip(), source, 0);
        }
        return new RunSettings(Optional.ofNullable(tiny), steps, millis, hold, holdPoint,
                progressInterval(env.get(PROGRESS_ENV)), systemInterval(env.get(SYSTEM_METRICS_ENV)),
                sendInterval(env.get(SEND_INTERVAL_ENV)));
    }

    private static String value(Map<String, String> env, Properties properties, String envName, String property) {
        String v = properties.getProperty(property);
        if (v == null || v.isBlank()) {
            v = env.get(envName);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static long whole(Map<String, String> env, Properties properties, String envName, String property,
                              long fallback, long min) {
        String v = value(env, properties, envName, property);
        return v == null ? fallback : parseWhole(v, source(properties, envName, property), min);
    }

    /** Where a value that {@link #value} found came from, as its error message names it. */
    private static String source(Properties properties, String envName, String property) {
        return properties.getProperty(property) != null && !properties.getProperty(property).isBlank()
                ? "-D" + property : envName;
    }

    private static long parseWhole(String v, String source, long min) {
        try {
            long n = Long.parseLong(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(source + " must be a whole number >= " + min + ", got '" + v + "'");
    }

    /** Unparseable values keep the default, as before this record existed (progress is cosmetic). */
    private static Duration progressInterval(String text) {
        try {
            return Duration.ofMillis(Math.max(100, (long) (1000 * Double.parseDouble(text == null ? "10" : text))));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(10);
        }
    }

    /** {@value #SYSTEM_METRICS_ENV}'s value: 0 (off) or at least 0.1 s; a value that does not parse is refused. */
    private static Duration systemInterval(String text) {
        if (text == null || text.isBlank()) {
            return Duration.ofSeconds(15);
        }
        try {
            double seconds = Double.parseDouble(text.strip());
            if (seconds == 0 || (seconds >= 0.1 && seconds <= 86_400)) {
                return Duration.ofMillis(Math.round(seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(SYSTEM_METRICS_ENV + " must be 0 (off) or seconds from 0.1 to 86400, got '"
                + text + "'");
    }

    /** {@value #SEND_INTERVAL_ENV}'s value; empty when unset or invalid (the sender then warns and keeps its default). */
    public static Optional<Duration> sendInterval(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(text.strip());
            if (seconds >= 0 && seconds <= 3600) {
                return Optional.of(Duration.ofMillis(Math.round(seconds * 1000)));
            }
        } catch (NumberFormatException e) {
            // empty
        }
        return Optional.empty();
    }
}
