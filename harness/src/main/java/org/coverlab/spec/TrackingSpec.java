package org.coverlab.spec;

import java.util.ArrayList;
import java.util.List;

/** Where a run is logged. The local run store is always on; wandb and mlflow are optional sinks. Secrets never go here. */
public record TrackingSpec(
        @Doc("Backends: local (always on), wandb, mlflow; several at once") List<Backend> backends,
        @Doc("W&B project / MLflow experiment name") String project,
        @Doc("W&B entity (user or team); empty = the key's default entity") String entity,
        @Doc("MLflow tracking URI, e.g. http://127.0.0.1:5000") String trackingUri,
        @Doc("W&B resume policy: allow, must or never") Resume resume,
        @Doc("Seconds the sender keeps flushing to remote sinks at exit before leaving the rest to 'runs sync'") @Range(min = 0, max = 3600) int flushTimeoutSeconds,
        @Doc("Refuse to start (exit 2) when a remote backend lacks its credentials or settings (no WANDB_API_KEY or "
                + "netrc entry, no MLflow URI); false runs anyway, logs locally and leaves sending to 'runs sync'. "
                + "A backend named with --tracker is always required") boolean required) {

    public static final TrackingSpec DEFAULT = new TrackingSpec(
            List.of(Backend.LOCAL), "coverlab", "", "", Resume.ALLOW, 30, true);

    /** The backends besides the local journal, in order, without repeats; the journal itself is always on. */
    public List<Backend> remoteBackends() {
        return backends.stream().filter(Backend::isRemote).distinct().toList();
    }

    /** This section with the backends a command line asked for: local first (always on), then the remote ones. */
    public TrackingSpec withBackends(List<Backend> requested) {
        List<Backend> inUse = new ArrayList<>(List.of(Backend.LOCAL));
        requested.stream().filter(Backend::isRemote).distinct().forEach(inUse::add);
        return SpecValues.with(this, "backends", List.copyOf(inUse));
    }

    /** Where a run's events go. The names here are the only list of backends: specs, --tracker and the sinks use them. */
    public enum Backend implements SpecEnum {
        LOCAL, WANDB, MLFLOW;

        @Override
        public String key() {
            return name().toLowerCase();
        }

        /** False for the local journal, which every run writes whatever the spec says. */
        public boolean isRemote() {
            return this != LOCAL;
        }
    }

    public enum Resume implements SpecEnum {
        ALLOW, MUST, NEVER;

        @Override
        public String key() {
            return name().toLowerCase();
        }
    }
}
