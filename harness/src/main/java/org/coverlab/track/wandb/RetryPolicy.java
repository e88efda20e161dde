package org.coverlab.track.wandb;

import java.util.Set;

/**
 * Which HTTP statuses a W&B request retries, as the SDK classifies them. Attached to a request as an OkHttp tag and
 * read by {@link WandbRetryInterceptor}; connection errors are retried under every policy but {@link #NONE}.
 */
public enum RetryPolicy {
    /** GraphQL and the file stream: any 4xx/5xx except those that cannot succeed on retry. */
    API(Set.of(400, 401, 403, 404, 409, 410, 413, 422, 501)),
    /** UpsertBucket: like API, but a 409 (concurrent update of the run) is worth retrying. */
    UPSERT(Set.of(400, 401, 403, 404, 410, 413, 422, 501)),
    /** PUT to a signed storage URL: only 429 and 5xx (not 501). */
    UPLOAD(Set.of()),
    /** Heartbeats: never retried (the next one is due soon, and a retrying heartbeat would hold up real sends). */
    NONE(Set.of());

    private final Set<Integer> never;

    RetryPolicy(Set<Integer> never) {
        this.never = never;
    }

    public boolean retries(int status) {
        if (this == NONE) {
            return false;
        }
        if (this == UPLOAD) {
            return status == 429 || (status >= 500 && status != 501);
        }
        return status >= 400 && !never.contains(status);
    }
}
