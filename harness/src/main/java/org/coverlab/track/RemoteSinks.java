package org.coverlab.track;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.coverlab.spec.TrackingSpec;
import org.coverlab.spec.TrackingSpec.Backend;
import org.coverlab.track.mlflow.MlflowEndpoint;
import org.coverlab.track.mlflow.MlflowSink;
import org.coverlab.track.wandb.WandbSettings;
import org.coverlab.track.wandb.WandbSink;

/**
 * Builds the remote sinks a spec asks for. Each backend has a {@link Maker}: {@link #standard} knows W&B and MLflow;
 * tests swap in their own with {@link #with}. Immutable.
 */
public final class RemoteSinks {

    /** Builds one sink; throws {@link SinkSetupException} when the spec or environment cannot work (no key...). */
    @FunctionalInterface
    public interface Maker {
        /** @param live true while a run is going (W&B offline mode then defers to 'runs sync'), false for 'runs sync' */
        Selection.Choice make(TrackingSpec tracking, boolean live);
    }

    /** A sink could not be set up; the message says which setting to fix. */
    public static final class SinkSetupException extends RuntimeException {
        public SinkSetupException(String message) {
            super(message);
        }
    }

    /** The sinks made, and the backends left out with the reason why (offline mode, disabled...). */
    public record Selection(List<RemoteSink> sinks, List<String> skipped) {

        /** What a maker decided: a sink, or a reason to leave the backend out. */
        public record Choice(RemoteSink sink, String skipReason) {
            public static Choice of(RemoteSink sink) {
                return new Choice(sink, null);
            }

            public static Choice skip(String reason) {
                return new Choice(null, reason);
            }
        }
    }

    /** Checks, without making a sink or calling a server, that a backend has what it needs; null when it does. */
    @FunctionalInterface
    public interface Check {
        String problem(TrackingSpec tracking);
    }

    private final Map<Backend, Maker> makers;
    private final Map<Backend, Check> checks;

    private RemoteSinks(Map<Backend, Maker> makers, Map<Backend, Check> checks) {
        this.makers = makers;
        this.checks = checks;
    }

    /** W&B (WANDB_*, ~/.netrc in {@code home}) and MLflow (tracking.tracking_uri, MLFLOW_* credentials) from {@code env}. */
    public static RemoteSinks standard(Map<String, String> env, Path home) {
        Map<Backend, Maker> makers = new EnumMap<>(Backend.class);
        makers.put(Backend.WANDB, (tracking, live) -> wandb(tracking, env, home, live));
        makers.put(Backend.MLFLOW, (tracking, live) -> Selection.Choice.of(MlflowSink.forSpec(tracking, env)));
        Map<Backend, Check> checks = new EnumMap<>(Backend.class);
        checks.put(Backend.WANDB, tracking -> {
            try {
                WandbSettings.resolve(tracking, env, home);
                return null;
            } catch (WandbSettings.ConfigException e) {
                return e.getMessage();
            }
        });
        checks.put(Backend.MLFLOW, tracking -> {
            try {
                MlflowEndpoint.of(tracking, env);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        });
        return new RemoteSinks(makers, checks);
    }

    /** The remote backends this registry can make sinks for: the one list a spec's backends are checked against. */
    public Set<Backend> backends() {
        return Set.copyOf(makers.keySet());
    }

    /** This set with {@code backend} made by {@code maker} (and no set-up check of its own). */
    public RemoteSinks with(Backend backend, Maker maker) {
        Map<Backend, Maker> copy = new EnumMap<>(Backend.class);
        copy.putAll(makers);
        copy.put(backend, maker);
        Map<Backend, Check> checksCopy = new EnumMap<>(Backend.class);
        checksCopy.putAll(checks);
        checksCopy.remove(backend);
        return new RemoteSinks(copy, checksCopy);
    }

    /**
     * What keeps the spec's remote backends from being set up (no W&B key, no MLflow URI), one message per backend
     * naming what to set; empty when they all can be. Cheap: resolves settings only, so it runs before a run exists.
     */
    public List<String> setupProblems(TrackingSpec tracking) {
        List<String> problems = new ArrayList<>();
        for (Backend backend : remoteBackends(tracking)) {
            Check check = checks.get(backend);
            String problem = check == null ? null : check.problem(tracking);
            if (problem != null) {
                problems.add(backend.key() + ": " + Redactor.none().redact(problem));
            }
        }
        return problems;
    }

    /** Sinks for {@code backends} (the local journal is not a sink: it is always on). */
    public Selection create(TrackingSpec tracking, Collection<Backend> backends, boolean live) {
        List<RemoteSink> sinks = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Backend backend : backends) {
            if (!backend.isRemote()) {
                continue;
            }
            Maker maker = makers.get(backend);
            if (maker == null) {
                throw new SinkSetupException("tracking backend '" + backend.key() + "' is not available in this build");
            }
            Selection.Choice choice;
            try {
                choice = maker.make(tracking, live);
            } catch (IllegalArgumentException e) { // how sinks reject a spec value or environment variable
                throw new SinkSetupException(backend.key() + ": " + e.getMessage());
            }
            if (choice.sink() != null) {
                sinks.add(choice.sink());
            } else {
                skipped.add(backend.key() + ": " + choice.skipReason());
            }
        }
        return new Selection(sinks, skipped);
    }

    /** The remote backends of a spec, without LOCAL. */
    public static List<Backend> remoteBackends(TrackingSpec tracking) {
        return tracking.remoteBackends();
    }

    private static Selection.Choice wandb(TrackingSpec tracking, Map<String, String> env, Path home, boolean live) {
        WandbSettings settings;
        try {
            settings = WandbSettings.resolve(tracking, env, home);
        } catch (WandbSettings.ConfigException e) {
            throw new SinkSetupException(e.getMessage());
        }
        if (settings.mode() == WandbSettings.Mode.DISABLED) {
            return Selection.Choice.skip("WANDB_MODE=disabled");
        }
        if (settings.mode() == WandbSettings.Mode.OFFLINE && live) {
            return Selection.Choice.skip("WANDB_MODE=offline; the journal keeps everything for 'coverlab runs sync'");
        }
        return Selection.Choice.of(WandbSink.create(settings));
    }
}
