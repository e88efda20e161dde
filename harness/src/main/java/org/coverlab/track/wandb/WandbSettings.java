package org.coverlab.track.wandb;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.track.Redactor;

/**
 * Everything the W&B sink needs to know, resolved once from the spec's {@code tracking} section and the environment.
 * The WANDB_* variables override the spec, as they override W&B's own settings files, so a run can be pointed at
 * another project or server without editing the spec. The API key comes from WANDB_API_KEY, else from the netrc entry
 * for the base URL's host that {@code wandb login} writes. {@link #toString()} never shows the key.
 */
public record WandbSettings(
        HttpUrl baseUrl,
        String apiKey,
        String entity,
        String project,
        String runIdOverride,
        TrackingSpec.Resume resume,
        Mode mode,
        String group,
        String jobType,
        List<String> tags,
        String displayName,
        String notes) {

    public static final String DEFAULT_BASE_URL = "https://api.wandb.ai";

    public enum Mode { ONLINE, OFFLINE, DISABLED }

    /** Spec and environment do not add up to a usable W&B setup; the message says which variable or key to fix. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    public WandbSettings {
        tags = List.copyOf(tags);
    }

    /**
     * @param env  environment variables (System.getenv() in production)
     * @param home the user's home directory, for ~/.netrc (NETRC overrides the file)
     */
    public static WandbSettings resolve(TrackingSpec tracking, Map<String, String> env, Path home) {
        String base = envOr(env, "WANDB_BASE_URL", DEFAULT_BASE_URL).replaceAll("/+$", "");
        HttpUrl baseUrl = HttpUrl.parse(base);
        if (baseUrl == null) {
            throw new ConfigException("WANDB_BASE_URL is not an http(s) URL: " + Redactor.safeUrl(base));
        }
        Mode mode = parseMode(envOr(env, "WANDB_MODE", "online"));
        String project = envOr(env, "WANDB_PROJECT", tracking.project());
        if (project.isBlank()) {
            throw new ConfigException("tracking.project is empty and WANDB_PROJECT is not set; name the W&B project");
        }
        String apiKey = env.get("WANDB_API_KEY");
        if (apiKey == null || apiKey.isBlank()) {
            Path netrc = env.containsKey("NETRC") ? Path.of(env.get("NETRC")) : home.resolve(".netrc");
            try {
                apiKey = Netrc.password(netrc, baseUrl.host()).orElse(null);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + netrc + " for the W&B API key: " + e.getClass().getSimpleName());
            }
        }
        if ((apiKey == null || apiKey.isBlank()) && mode == Mode.ONLINE) {
            throw new ConfigException("W&B is enabled (tracking.backends lists wandb) but there is no API key: set "
                    + "WANDB_API_KEY, or run 'wandb login' (or add 'machine " + baseUrl.host()
                    + " login user password <key>' to ~/.netrc); set WANDB_MODE=offline to log locally and sync later");
        }
        return new WandbSettings(baseUrl, apiKey == null ? "" : apiKey.strip(),
                envOr(env, "WANDB_ENTITY", tracking.entity()), project, envOr(env, "WANDB_RUN_ID", ""),
                parseResume(env.get("WANDB_RESUME"), tracking.resume()), mode,
                envOr(env, "WANDB_RUN_GROUP", ""), envOr(env, "WANDB_JOB_TYPE", ""),
                Arrays.stream(envOr(env, "WANDB_TAGS", "").split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList(),
                envOr(env, "WANDB_NAME", ""), envOr(env, "WANDB_NOTES", ""));
    }

    /** The W&B run name for a local run id: WANDB_RUN_ID if set, else the id with characters W&B refuses replaced. */
    public String runNameFor(String localRunId) {
        String id = runIdOverride.isBlank() ? localRunId : runIdOverride;
        String cleaned = id.replaceAll("[^A-Za-z0-9_.-]", "-");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }

    public Redactor redactor() {
        return Redactor.of(apiKey);
    }

    @Override
    public String toString() {
        return "WandbSettings[baseUrl=" + Redactor.safeUrl(baseUrl.toString()) + ", apiKey=" + (apiKey.isEmpty() ? "none" : Redactor.MASK)
                + ", entity=" + entity + ", project=" + project + ", resume=" + resume + ", mode=" + mode + "]";
    }

    private static String envOr(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.ofNullable(fallback).orElse("") : value.strip();
    }

    private static Mode parseMode(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "online", "run" -> Mode.ONLINE;
            case "offline", "dryrun" -> Mode.OFFLINE;
            case "disabled" -> Mode.DISABLED;
            default -> throw new ConfigException("WANDB_MODE must be online, offline or disabled, got '" + value + "'");
        };
    }

    private static TrackingSpec.Resume parseResume(String value, TrackingSpec.Resume fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "allow", "auto", "true" -> TrackingSpec.Resume.ALLOW;
            case "must" -> TrackingSpec.Resume.MUST;
            case "never", "false" -> TrackingSpec.Resume.NEVER;
            default -> throw new ConfigException("WANDB_RESUME must be allow, must, never or auto, got '" + value + "'");
        };
    }
}
