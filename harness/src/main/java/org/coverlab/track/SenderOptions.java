package org.coverlab.track;

import java.time.Duration;
import org.coverlab.spec.TrackingSpec;

/**
 * How the background sender drains a journal.
 *
 * @param batchSize    journal entries handed to a sink per {@link RemoteSink#send} call
 * @param pollInterval how often an idle sender looks for new journal entries (the tracker also wakes it)
 * @param backoff      delays between retries of a failed send (a server's Retry-After wins when longer)
 * @param flushTimeout how long {@link JournalSender#close()} keeps sending before leaving the rest to {@code runs sync}
 * @param sendInterval least time between two sends while the run goes (what arrives meanwhile goes in one batch); the
 *                     default 15 s is the W&B SDK's file-stream interval. The final flush and {@code runs sync} do not wait.
 */
public record SenderOptions(int batchSize, Duration pollInterval, Backoff backoff, Duration flushTimeout, Duration sendInterval) {

    public static final SenderOptions DEFAULT =
            new SenderOptions(500, Duration.ofSeconds(2), Backoff.WANDB, Duration.ofSeconds(30), Duration.ofSeconds(15));

    public SenderOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
    }

    /** Options that send as soon as entries arrive (no send interval). */
    public SenderOptions(int batchSize, Duration pollInterval, Backoff backoff, Duration flushTimeout) {
        this(batchSize, pollInterval, backoff, flushTimeout, Duration.ZERO);
    }

    public static SenderOptions from(TrackingSpec tracking) {
        return DEFAULT.withFlushTimeout(Duration.ofSeconds(tracking.flushTimeoutSeconds()));
    }

    public SenderOptions withFlushTimeout(Duration timeout) {
        return new SenderOptions(batchSize, pollInterval, backoff, timeout, sendInterval);
    }

    public SenderOptions withBackoff(Backoff newBackoff) {
        return new SenderOptions(batchSize, pollInterval, newBackoff, flushTimeout, sendInterval);
    }

    public SenderOptions withPollInterval(Duration interval) {
        return new SenderOptions(batchSize, interval, backoff, flushTimeout, sendInterval);
    }

    public SenderOptions withBatchSize(int size) {
        return new SenderOptions(size, pollInterval, backoff, flushTimeout, sendInterval);
    }

    public SenderOptions withSendInterval(Duration interval) {
        return new SenderOptions(batchSize, pollInterval, backoff, flushTimeout, interval);
    }
}
